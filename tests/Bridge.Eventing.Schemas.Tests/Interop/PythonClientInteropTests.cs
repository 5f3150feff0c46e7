using System.Text.Json;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using Bridge.Testing;

namespace Bridge.Eventing.Schemas.Tests.Interop;

/// <summary>
/// Clients nobody here wrote: Debian's python3-confluent-kafka 1.7.0, its current
/// <c>SchemaRegistryClient</c> and its legacy <c>CachedSchemaRegistryClient</c> (schemas parsed by
/// python3-avro), against our registry over a real broker. tests/interop/registry/registry_clients.py
/// runs every call and prints what it got; this asserts each answer. Needs python3-confluent-kafka,
/// python3-requests and python3-avro (./test.sh installs them).
/// </summary>
[Trait("Category", "Interop")]
public class PythonClientInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private static async Task<Dictionary<string, JsonElement>> RunAsync(Uri registry)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "interop", "registry", "registry_clients.py");
        using var python = ChildProcess.Start("/usr/bin/python3", [script, registry.ToString().TrimEnd('/')]);
        var finished = await python.WaitForLinesAsync(lines => lines.Contains("done"), Timeout);
        Assert.True(finished, $"the python clients did not finish:\n{python.Stdout}\nstderr:\n{python.Stderr}");
        return python.Lines.Where(l => l.Contains('\t'))
            .Select(l => l.Split('\t', 2))
            .ToDictionary(p => p[0], p => JsonDocument.Parse(p[1]).RootElement.Clone());
    }

    private static string Json(JsonElement e) => e.GetRawText();

    [Fact]
    public async Task ConfluentKafkaPython_BothRegistryClients_WorkUnchanged()
    {
        await using var api = await RegistryHarness.StartAsync();
        var r = await RunAsync(api.Registry!.Address);
        const string v1 = """{"fields": [{"name": "id", "type": "string"}], "name": "Payment", "namespace": "bank", "type": "record"}""";

        // SchemaRegistryClient: ids global and stable, shapes it parses.
        Assert.Equal(("1", "1", "1", "2"), (Json(r["register_v1"]), Json(r["register_v1_again"]), Json(r["register_v1_other_subject"]), Json(r["register_v2"])));
        Assert.Equal(v1, Json(r["get_schema_v1"]));
        Assert.Equal("\"AVRO\"", Json(r["get_schema_type"]));
        Assert.Equal(2, r["get_latest_version"].GetProperty("version").GetInt32());
        Assert.Equal(2, r["get_latest_version"].GetProperty("id").GetInt32());
        Assert.Equal("py-value", r["get_latest_version"].GetProperty("subject").GetString());
        Assert.Equal(v1, Json(r["get_version_1"].GetProperty("schema")));
        Assert.Equal("[1, 2]", Json(r["get_versions"]));
        Assert.Equal("""["py-other", "py-value"]""", Json(r["get_subjects"]));
        Assert.Equal((1, 1), (r["lookup_v1"].GetProperty("id").GetInt32(), r["lookup_v1"].GetProperty("version").GetInt32()));
        Assert.Equal(("true", "false"), (Json(r["test_compatibility_ok"]), Json(r["test_compatibility_bad"])));
        Assert.Equal("""{"compatibility": "FULL"}""", Json(r["set_compatibility_subject"]));
        Assert.Equal("\"FULL\"", Json(r["get_compatibility_subject"]));
        Assert.Equal("\"FORWARD\"", Json(r["get_compatibility_global"]));
        Assert.Equal("2", Json(r["delete_version"]));
        Assert.Equal("[1]", Json(r["delete_subject_soft"]));
        Assert.Equal("[1]", Json(r["delete_subject_permanent"]));
        Assert.Equal("[]", Json(r["subjects_after_delete"]));
        Assert.Equal(v1, Json(r["get_schema_after_delete"])); // py-other, soft-deleted, still uses id 1

        // Its errors carry our status and Confluent's codes.
        AssertRaised(r["get_schema_missing"], 404, 40403);
        AssertRaised(r["lookup_unknown"], 404, 40403);
        AssertRaised(r["lookup_no_subject"], 404, 40401);
        Assert.Contains("'note'", AssertRaised(r["register_incompatible"], 409, 409));
        Assert.Contains("$.fields[0].type", AssertRaised(r["register_invalid"], 422, 42201));
        Assert.Contains("schemaType PROTOBUF is not supported", AssertRaised(r["register_protobuf"], 422, 42201));
        AssertRaised(r["get_compatibility_unset"], 404, 40408);

        // CachedSchemaRegistryClient (legacy), schemas from python3-avro. V2's id 2 went with the
        // permanent delete above, so V2 registered again gets a new id: ids are never reused.
        Assert.Equal(("1", "3"), (Json(r["legacy_register_v1"]), Json(r["legacy_register_v2"])));
        Assert.Contains("amount", Json(r["legacy_get_by_id"]));
        Assert.Equal("null", Json(r["legacy_get_by_id_missing"]));
        Assert.Equal(3, r["legacy_get_latest_schema"][0].GetInt32());
        Assert.Equal(2, r["legacy_get_latest_schema"][2].GetInt32());
        Assert.Equal("[1, 1]", Json(r["legacy_get_by_version"]));
        Assert.Equal(("1", "3"), (Json(r["legacy_get_version"]), Json(r["legacy_check_registration"])));
        Assert.Equal(("true", "false"), (Json(r["legacy_test_compatibility_ok"]), Json(r["legacy_test_compatibility_bad"])));
        Assert.Contains("Incompatible Avro schema:409", r["legacy_register_incompatible"].GetProperty("message").GetString());
        Assert.Equal(("\"NONE\"", "\"NONE\"", "\"BACKWARD\""),
            (Json(r["legacy_update_compatibility"]), Json(r["legacy_get_compatibility"]), Json(r["legacy_get_compatibility_global"])));
        Assert.Equal("4", Json(r["legacy_register_after_none"]));
        Assert.Equal("[1, 2, 3]", Json(r["legacy_delete_subject"]));
        Assert.DoesNotContain(r.Values, v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("raised", out var t) && t.GetString() is not ("SchemaRegistryError" or "ClientError"));
    }

    private static string AssertRaised(JsonElement step, int status, int code)
    {
        Assert.True(step.ValueKind == JsonValueKind.Object && step.TryGetProperty("raised", out _), $"expected an error, got {step}");
        Assert.Equal((status, code), (step.GetProperty("status").GetInt32(), step.GetProperty("code").GetInt32()));
        return step.GetProperty("message").GetString()!;
    }
}
