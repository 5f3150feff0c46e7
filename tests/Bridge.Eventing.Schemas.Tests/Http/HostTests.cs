using Bridge.Testing;
using System.Net;
using System.Text.RegularExpressions;
using Bridge.Eventing.Schemas.Tests.Infrastructure;

namespace Bridge.Eventing.Schemas.Tests.Http;

/// <summary>The <c>bridge registry</c> program: its ready line, serving over a broker it did not start, and refusing bad options.</summary>
public partial class HostTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BridgeRegistry_PrintsItsAddressAndStore_ThenServes()
    {
        var bootstrap = fixture.Harness.Broker!.BootstrapServers;
        using var process = BridgeProgram.Start(["registry", "--port", "0", "--bootstrap", bootstrap]);
        Assert.True(await process.WaitForLinesAsync(lines => lines.Count > 0, StartTimeout), $"no ready line; stderr:\n{process.Stderr}");
        var match = ReadyLine().Match(process.Lines[0]);
        Assert.True(match.Success, $"unexpected first line '{process.Lines[0]}'");
        Assert.Equal(bootstrap, match.Groups["bootstrap"].Value);

        using var http = new HttpClient();
        var response = await http.PostAsync($"{match.Groups["address"].Value}/subjects/host/versions",
            new StringContent(RegistryHarness.SchemaBody("\"long\""), null, "application/vnd.schemaregistry.v1+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The same _schemas topic: the in-process registry sees it after a restart.
        await fixture.Harness.StopRegistryAsync();
        await fixture.Harness.StartRegistryAsync();
        Assert.Contains("host", (await fixture.Harness.GetAsync("subjects")).Json.EnumerateArray().Select(e => e.GetString()));
        Assert.Single(process.Lines);
    }

    [Fact]
    public async Task BridgeRegistry_BadAddress_Exits2WithTheReason()
    {
        using var process = BridgeProgram.Start(["registry", "--ip", "not-an-ip"]);
        Assert.True(await process.WaitForExitAsync(StartTimeout));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--ip 'not-an-ip' is not an IP address", process.Stderr);
    }

    [GeneratedRegex(@"^registry listening on (?<address>http://127\.0\.0\.1:\d+) topic _schemas on (?<bootstrap>\S+)$")]
    private static partial Regex ReadyLine();
}
