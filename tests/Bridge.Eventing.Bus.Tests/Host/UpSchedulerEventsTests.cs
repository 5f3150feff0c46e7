using System.Text.Json.Nodes;
using Bridge.Testing;

namespace Bridge.Eventing.Bus.Tests.Host;

/// <summary>
/// <c>bridge up</c> as a separate process publishes the services scheduler's events on the bus: an
/// app deployed with <c>bridge app deploy</c> shows up on <c>bridge.services</c> as read by
/// <c>bridge events tail</c>, deployment first, then its task's status update. (About 5 s: the whole
/// system starts on port 0 in a temporary work directory.)
/// </summary>
public sealed class UpSchedulerEventsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("bridge-up-events-").FullName;

    [Fact]
    public async Task Up_DeployingAnApp_PutsItsDeploymentAndStatusUpdatesOnBridgeServices()
    {
        using var up = BridgeProgram.Start(["up", "--agents", "1", "--work-dir", Path.Combine(_directory, "work"), "--port", "0", "--broker-port", "0",
            "--registry-port", "0", "--bus-port", "0", "--services-port", "0", "--jobs-port", "0", "--yarn-rm-port", "0", "--yarn-port", "0"]);
        try
        {
            Assert.True(await up.WaitForLinesAsync(l => l.Contains("Press Ctrl-C to stop."), Timeout), $"bridge up did not start:\n{up.Stdout}\n{up.Stderr}");
            string Address(string name) => up.Lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(w => w.Length > 1 && w[0] == name)[1].TrimEnd('/');
            var app = Path.Combine(_directory, "app.json");
            // Short-lived, so that nothing outlives the test even if the agent could not kill it.
            await File.WriteAllTextAsync(app, """{"id": "/bus-sleeper", "cmd": "sleep 30", "cpus": 0.1, "mem": 32, "instances": 1}""");

            using var deploy = await BridgeProgram.RunAsync(["app", "deploy", app, "--services", Address("services")], Timeout);
            Assert.True(deploy.ExitCode == 0, $"exit {deploy.ExitCode}:\n{deploy.Stdout}\n{deploy.Stderr}");
            using var tail = BridgeProgram.Start(["events", "tail", "--topic", "bridge.services", "--from-beginning", "--bus", Address("bus"), "--registry", Address("schemas")]);
            bool Running(List<string> lines) => lines.Any(l => l.Contains("\"status_update_event\"") && l.Contains("\"TASK_RUNNING\""));
            Assert.True(await tail.WaitForLinesAsync(Running, Timeout), $"no TASK_RUNNING on bridge.services:\n{tail.Stdout}\n{tail.Stderr}\nbridge up:\n{up.Stderr}");

            var events = tail.Lines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.All(events, e => Assert.Equal("/bus-sleeper", (string?)e["key"]));
            var types = events.Select(e => (string)e["value"]!["event_type"]!).ToList();
            Assert.True(types.IndexOf("deployment_info") < types.IndexOf("status_update_event"), string.Join(", ", types));
            var running = events.Select(e => e["value"]!).First(v => (string?)v["state"] == "TASK_RUNNING");
            Assert.Equal("/bus-sleeper", (string?)running["app_id"]);
            Assert.Equal("agent-1", (string?)running["host"]);
            Assert.StartsWith("bus-sleeper", (string?)running["task_id"]);
            Assert.Equal("TASK_RUNNING", (string?)JsonNode.Parse((string)running["json"]!)!["taskStatus"]);
        }
        finally
        {
            // SIGTERM, as Ctrl-C: bridge up kills its tasks and stops; SIGKILL (Dispose) only if it does not.
            using (var term = ChildProcess.Start("kill", ["-TERM", up.Id.ToString()])) await term.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await up.WaitForExitAsync(Timeout);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
