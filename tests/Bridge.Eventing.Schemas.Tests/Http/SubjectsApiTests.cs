using Bridge.Eventing.Schemas.Tests.Infrastructure;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Http;

/// <summary>
/// The subject and schema routes over a real embedded broker, with Confluent's shapes: register,
/// lookup, versions, schemas by id, soft and permanent deletes, and every error code they answer.
/// </summary>
public class SubjectsApiTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private readonly RegistryHarness _api = fixture.Harness;

    [Fact]
    public async Task Register_ReturnsTheId_SameSchemaAgainOrElsewhere_TheSameId()
    {
        var first = (await _api.RegisterAsync("reg-a", OrderV1)).AssertOk();
        var id = first.Json.GetProperty("id").GetInt32();
        Assert.Equal(["id"], first.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("application/vnd.schemaregistry.v1+json", first.ContentType);

        Assert.Equal(id, (await _api.RegisterAsync("reg-a", OrderV1Respelled)).AssertOk().Json.GetProperty("id").GetInt32());
        Assert.Equal(id, (await _api.RegisterAsync("reg-b", OrderV1)).AssertOk().Json.GetProperty("id").GetInt32());
        Assert.Equal("[1]", (await _api.GetAsync("subjects/reg-a/versions")).AssertOk().Text);
        var next = (await _api.RegisterAsync("reg-a", OrderV2)).AssertOk().Json.GetProperty("id").GetInt32();
        Assert.True(next > id);
        Assert.Equal("[1,2]", (await _api.GetAsync("subjects/reg-a/versions")).Text);
    }

    [Fact]
    public async Task GetVersion_LatestNumberAndMinusOne_ConfluentsShape()
    {
        await _api.RegisterAsync("ver", OrderV1);
        await _api.RegisterAsync("ver", OrderV2);
        var latest = (await _api.GetAsync("subjects/ver/versions/latest")).AssertOk().Json;
        Assert.Equal(["subject", "version", "id", "schema"], latest.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("ver", 2, Parse(OrderV2).ToJson()), (latest.GetProperty("subject").GetString(), latest.GetProperty("version").GetInt32(), latest.GetProperty("schema").GetString()));
        Assert.Equal(latest.ToString(), (await _api.GetAsync("subjects/ver/versions/-1")).Json.ToString());
        Assert.Equal(latest.ToString(), (await _api.GetAsync("subjects/ver/versions/2")).Json.ToString());
        Assert.Equal(1, (await _api.GetAsync("subjects/ver/versions/1")).Json.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task RawSchema_ByVersionAndById_IsTheSchemaItself()
    {
        var id = (await _api.RegisterAsync("raw", OrderV1)).Json.GetProperty("id").GetInt32();
        var byVersion = (await _api.GetAsync("subjects/raw/versions/1/schema")).AssertOk();
        Assert.Equal(Parse(OrderV1).ToJson(), byVersion.Text);
        Assert.Equal("application/vnd.schemaregistry.v1+json", byVersion.ContentType);
        Assert.Equal(byVersion.Text, (await _api.GetAsync($"schemas/ids/{id}/schema")).AssertOk().Text);
        Assert.Equal("[]", (await _api.GetAsync("subjects/raw/versions/1/referencedby")).AssertOk().Text);
    }

    [Fact]
    public async Task SchemaById_AndWhereItIsUsed()
    {
        var id = (await _api.RegisterAsync("byid-a", OrderWithoutId)).Json.GetProperty("id").GetInt32();
        await _api.RegisterAsync("byid-b", OrderWithoutId);
        var schema = (await _api.GetAsync($"schemas/ids/{id}")).AssertOk().Json;
        Assert.Equal(["schema"], schema.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Parse(OrderWithoutId).ToJson(), schema.GetProperty("schema").GetString());
        Assert.Equal("""[{"subject":"byid-a","version":1},{"subject":"byid-b","version":1}]""", (await _api.GetAsync($"schemas/ids/{id}/versions")).AssertOk().Text);
        Assert.Equal("""["AVRO"]""", (await _api.GetAsync("schemas/types")).AssertOk().Text);
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    public async Task SchemaById_Unknown_Is40403(string id)
    {
        (await _api.GetAsync($"schemas/ids/{id}")).AssertError(404, 40403);
        (await _api.GetAsync($"schemas/ids/{id}/versions")).AssertError(404, 40403);
        (await _api.GetAsync($"schemas/ids/{id}/schema")).AssertError(404, 40403);
    }

    [Fact]
    public async Task Lookup_FoundOrWhichOneIsMissing()
    {
        await _api.RegisterAsync("look", OrderV1);
        var found = (await _api.PostSchemaAsync("subjects/look", OrderV1Respelled)).AssertOk().Json;
        Assert.Equal(["subject", "version", "id", "schema"], found.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, found.GetProperty("version").GetInt32());
        (await _api.PostSchemaAsync("subjects/look", OrderV2)).AssertError(404, 40403);
        (await _api.PostSchemaAsync("subjects/look-nobody", OrderV1)).AssertError(404, 40401);
    }

    [Fact]
    public async Task Subjects_ListsLiveOnes_DeletedWithTheFlag()
    {
        await _api.RegisterAsync("list-live", OrderV1);
        await _api.RegisterAsync("list-gone", OrderV1);
        (await _api.DeleteAsync("subjects/list-gone")).AssertOk();
        var live = (await _api.GetAsync("subjects")).AssertOk().Json.EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("list-live", live);
        Assert.DoesNotContain("list-gone", live);
        Assert.Contains("list-gone", (await _api.GetAsync("subjects?deleted=true")).Json.EnumerateArray().Select(e => e.GetString()));
        (await _api.GetAsync("subjects/list-gone/versions")).AssertError(404, 40401);
        Assert.Equal("[1]", (await _api.GetAsync("subjects/list-gone/versions?deleted=true")).AssertOk().Text);
    }

    [Fact]
    public async Task DeleteSubject_SoftThenPermanent_WithConfluentsCodes()
    {
        await _api.RegisterAsync("del", OrderV1);
        await _api.RegisterAsync("del", OrderV2);
        (await _api.DeleteAsync("subjects/del?permanent=true")).AssertError(404, 40405);
        Assert.Equal("[1,2]", (await _api.DeleteAsync("subjects/del")).AssertOk().Text);
        (await _api.DeleteAsync("subjects/del")).AssertError(404, 40404);
        (await _api.GetAsync("subjects/del/versions/latest")).AssertError(404, 40401);
        Assert.Equal(2, (await _api.GetAsync("subjects/del/versions/latest?deleted=true")).AssertOk().Json.GetProperty("version").GetInt32());
        Assert.Equal("[1,2]", (await _api.DeleteAsync("subjects/del?permanent=true")).AssertOk().Text);
        (await _api.DeleteAsync("subjects/del?permanent=true")).AssertError(404, 40401);
        (await _api.GetAsync("subjects/del/versions?deleted=true")).AssertError(404, 40401);
        // Registered again: a fresh subject, version 1.
        (await _api.RegisterAsync("del", OrderV1)).AssertOk();
        Assert.Equal("[1]", (await _api.GetAsync("subjects/del/versions")).AssertOk().Text);
    }

    [Fact]
    public async Task DeleteVersion_SoftThenPermanent_WithConfluentsCodes()
    {
        await _api.RegisterAsync("delv", OrderV1);
        await _api.RegisterAsync("delv", OrderV2);
        (await _api.DeleteAsync("subjects/delv/versions/2?permanent=true")).AssertError(404, 40407);
        (await _api.DeleteAsync("subjects/delv/versions/3")).AssertError(404, 40402);
        Assert.Equal("2", (await _api.DeleteAsync("subjects/delv/versions/latest")).AssertOk().Text);
        (await _api.DeleteAsync("subjects/delv/versions/2")).AssertError(404, 40406);
        (await _api.GetAsync("subjects/delv/versions/2")).AssertError(404, 40402);
        Assert.Equal(1, (await _api.GetAsync("subjects/delv/versions/latest")).Json.GetProperty("version").GetInt32());
        Assert.Equal("2", (await _api.DeleteAsync("subjects/delv/versions/2?permanent=true")).AssertOk().Text);
        Assert.Equal("[1]", (await _api.GetAsync("subjects/delv/versions?deleted=true")).Text);
        (await _api.DeleteAsync("subjects/delv-nobody/versions/1")).AssertError(404, 40401);
        (await _api.DeleteAsync("subjects/delv/versions/zero")).AssertError(422, 42202);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    [InlineData("1.0")]
    public async Task BadVersions_Are42202_NamingTheVersion(string version)
    {
        await _api.RegisterAsync("badver", OrderV1);
        foreach (var path in new[] { $"subjects/badver/versions/{version}", $"subjects/badver/versions/{version}/schema" })
            Assert.Contains($"'{version}'", (await _api.GetAsync(path)).AssertError(422, 42202).Message);
        (await _api.PostSchemaAsync($"compatibility/subjects/badver/versions/{version}", OrderV1)).AssertError(422, 42202);
    }

    [Fact]
    public async Task MissingSubjectOrVersion_Are40401And40402()
    {
        await _api.RegisterAsync("miss", OrderV1);
        (await _api.GetAsync("subjects/miss-nobody/versions")).AssertError(404, 40401);
        (await _api.GetAsync("subjects/miss-nobody/versions/1")).AssertError(404, 40401);
        (await _api.GetAsync("subjects/miss/versions/2")).AssertError(404, 40402);
        (await _api.GetAsync("subjects/miss/versions/2/schema")).AssertError(404, 40402);
    }

    [Fact]
    public async Task SubjectNames_AnyCharacterPercentEncoded_SlashIncluded()
    {
        const string subject = "com.example/orders value-€";
        var encoded = Uri.EscapeDataString(subject);
        (await _api.RegisterAsync(subject, OrderV1)).AssertOk();
        Assert.Contains(subject, (await _api.GetAsync("subjects")).Json.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(subject, (await _api.GetAsync($"subjects/{encoded}/versions/1")).AssertOk().Json.GetProperty("subject").GetString());
        (await _api.GetAsync("subjects/%FF%FE/versions")).AssertError(400, 400);
        (await _api.GetAsync("subjects/tab%09in/versions")).AssertError(422, 42208);
    }

    [Fact]
    public async Task UnknownRouteIs404_WrongMethodIs405_BothInConfluentsShape()
    {
        (await _api.GetAsync("nothing/here")).AssertError(404, 404);
        (await _api.GetAsync("subjects/a/versions/1/extra/more")).AssertError(404, 404);
        (await _api.SendAsync(HttpMethod.Put, "subjects", "{}")).AssertError(405, 405);
        (await _api.SendAsync(HttpMethod.Patch, "subjects/a/versions")).AssertError(405, 405);
        Assert.Equal("{}", (await _api.GetAsync("")).AssertOk().Text);
    }
}
