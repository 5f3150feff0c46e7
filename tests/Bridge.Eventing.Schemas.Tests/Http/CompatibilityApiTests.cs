using Bridge.Eventing.Schemas.Tests.Infrastructure;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Http;

/// <summary>
/// Compatibility levels through the API: the config routes (global and per subject, Confluent's
/// request and response members), enforcement on register (409 with the reasons), and the
/// compatibility test routes. Its own registry, since it changes the global level.
/// </summary>
public class CompatibilityApiTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryHarness _api = fixture.Harness;

    [Fact]
    public async Task Register_IncompatibleUnderBackward_Is409WithTheReasons_UnderNoneAccepted()
    {
        (await _api.RegisterAsync("enforce", OrderV1)).AssertOk();
        var refused = (await _api.RegisterAsync("enforce", OrderWithRequiredNote)).AssertError(409, 409);
        Assert.Contains("subject 'enforce' (compatibility BACKWARD)", refused.Message);
        Assert.Contains("version 1", refused.Message);
        Assert.Contains("'note'", refused.Message);
        Assert.Equal("[1]", (await _api.GetAsync("subjects/enforce/versions")).Text);

        Assert.Equal("""{"compatibility":"NONE"}""", (await _api.PutConfigAsync("config/enforce", "NONE")).AssertOk().Text);
        (await _api.RegisterAsync("enforce", OrderWithRequiredNote)).AssertOk();
        Assert.Equal("[1,2]", (await _api.GetAsync("subjects/enforce/versions")).Text);
    }

    [Theory]
    [InlineData("FORWARD", "OrderWithoutId", 409)]
    [InlineData("FORWARD", "OrderWithRequiredNote", 200)]
    [InlineData("FULL", "OrderWithRequiredNote", 409)]
    [InlineData("FULL", "OrderV2", 200)]
    [InlineData("FULL_TRANSITIVE", "OrderWithoutId", 409)]
    [InlineData("backward_transitive", "OrderWithoutId", 200)]
    public async Task Register_EachLevelEnforced(string level, string candidate, int status)
    {
        var subject = $"level-{level}-{candidate}";
        await _api.RegisterAsync(subject, OrderV1);
        (await _api.PutConfigAsync($"config/{subject}", level)).AssertOk();
        var schema = (string)typeof(TestSchemas).GetField(candidate)!.GetValue(null)!;
        Assert.Equal(status, (await _api.RegisterAsync(subject, schema)).Status);
    }

    [Fact]
    public async Task TestCompatibility_LatestVersionOrAll_VerboseGivesMessages()
    {
        await _api.RegisterAsync("test-compat", OrderV1);
        await _api.RegisterAsync("test-compat", OrderV2);
        Assert.Equal("""{"is_compatible":true}""", (await _api.PostSchemaAsync("compatibility/subjects/test-compat/versions/latest", OrderV2)).AssertOk().Text);
        Assert.Equal("""{"is_compatible":false}""", (await _api.PostSchemaAsync("compatibility/subjects/test-compat/versions/1", OrderWithRequiredNote)).AssertOk().Text);
        var verbose = (await _api.PostSchemaAsync("compatibility/subjects/test-compat/versions/2?verbose=true", OrderWithRequiredNote)).AssertOk().Json;
        Assert.False(verbose.GetProperty("is_compatible").GetBoolean());
        var message = Assert.Single(verbose.GetProperty("messages").EnumerateArray()).GetString()!;
        Assert.Contains("version 2", message);
        Assert.Contains("(at /fields/", message);
        Assert.Equal("""{"is_compatible":true,"messages":[]}""", (await _api.PostSchemaAsync("compatibility/subjects/test-compat/versions?verbose=true", OrderV2)).AssertOk().Text);
        Assert.Equal("""{"is_compatible":true}""", (await _api.PostSchemaAsync("compatibility/subjects/test-compat-nobody/versions", OrderV2)).AssertOk().Text);
        (await _api.PostSchemaAsync("compatibility/subjects/test-compat-nobody/versions/latest", OrderV2)).AssertError(404, 40401);
        (await _api.PostSchemaAsync("compatibility/subjects/test-compat/versions/9", OrderV2)).AssertError(404, 40402);
        (await _api.PostSchemaAsync("compatibility/subjects/test-compat/versions/latest", """{"type":"bogus"}""")).AssertError(422, 42201);
    }

    [Fact]
    public async Task SubjectConfig_GetPutDelete_AsConfluent()
    {
        (await _api.GetAsync("config/cfg")).AssertError(404, 40408);
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await _api.GetAsync("config/cfg?defaultToGlobal=true")).AssertOk().Text);
        Assert.Equal("""{"compatibility":"FULL_TRANSITIVE"}""", (await _api.PutConfigAsync("config/cfg", "full_transitive")).AssertOk().Text);
        Assert.Equal("""{"compatibilityLevel":"FULL_TRANSITIVE"}""", (await _api.GetAsync("config/cfg")).AssertOk().Text);
        Assert.Equal("""{"compatibilityLevel":"FULL_TRANSITIVE"}""", (await _api.DeleteAsync("config/cfg")).AssertOk().Text);
        (await _api.DeleteAsync("config/cfg")).AssertError(404, 40401);
        (await _api.GetAsync("config/cfg")).AssertError(404, 40408);
    }

    [Fact]
    public async Task SoftDeletingASubject_ClearsItsLevel()
    {
        await _api.RegisterAsync("cfg-del", OrderV1);
        await _api.PutConfigAsync("config/cfg-del", "NONE");
        await _api.DeleteAsync("subjects/cfg-del");
        (await _api.GetAsync("config/cfg-del")).AssertError(404, 40408);
    }

    [Theory]
    [InlineData("""{"compatibility":"SIDEWAYS"}""", "'SIDEWAYS'")]
    [InlineData("""{"compatibility":" FULL"}""", "' FULL'")]
    [InlineData("""{"compatibility":7}""", "'7'")]
    [InlineData("""{"compatibilityLevel":"FULL"}""", "Valid values are NONE, BACKWARD")]
    [InlineData("""{}""", "Valid values are NONE, BACKWARD")]
    [InlineData("""{"compatibility":null}""", "Valid values")]
    public async Task PutConfig_InvalidLevel_Is42203(string body, string named)
    {
        foreach (var path in new[] { "config", "config/cfg-bad" })
            Assert.Contains(named, (await _api.SendAsync(HttpMethod.Put, path, body)).AssertError(422, 42203).Message);
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await _api.GetAsync("config")).Text);
    }

    [Fact]
    public async Task GlobalConfig_GetPutDelete_AppliesToSubjectsWithoutTheirOwn()
    {
        try
        {
            Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await _api.GetAsync("config")).AssertOk().Text);
            await _api.RegisterAsync("global", OrderV1);
            Assert.Equal("""{"compatibility":"NONE"}""", (await _api.PutConfigAsync("config", "NONE")).AssertOk().Text);
            Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await _api.GetAsync("config")).AssertOk().Text);
            Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await _api.GetAsync("config/global?defaultToGlobal=true")).AssertOk().Text);
            (await _api.RegisterAsync("global", "\"string\"")).AssertOk();
            Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await _api.DeleteAsync("config")).AssertOk().Text);
            Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await _api.GetAsync("config")).AssertOk().Text);
            (await _api.RegisterAsync("global", "\"int\"")).AssertError(409, 409); // cannot read the latest, a string
        }
        finally
        {
            await _api.DeleteAsync("config");
        }
    }
}
