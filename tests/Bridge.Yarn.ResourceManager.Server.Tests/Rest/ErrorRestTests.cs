using System.Net;

namespace Bridge.Yarn.ResourceManager.Server.Tests.Rest;

/// <summary>Every REST error path: status, Hadoop's RemoteException shape, a message naming the field.</summary>
public class ErrorRestTests
{
    private const string BadRequest = "BadRequestException";
    private const string NotFound = "NotFoundException";

    private static async Task AssertErrorAsync(RmHarness rm, HttpMethod method, string path, string? body, HttpStatusCode code, string exception, string message, string contentType = "application/json")
    {
        var (status, json, _) = await rm.Http.SendAsync(method, path, body, contentType);
        Assert.Equal(code, status);
        Assert.Equal((exception, message), RestClient.RemoteError(json));
    }

    [Theory]
    [InlineData("""{"application-name":"x","am-container-spec":{"commands":{"command":"a"}}}""", "application-id: is missing (ask POST /ws/v1/cluster/apps/new-application for one)")]
    [InlineData("""{"application-id":"app_1"}""", "application-id: 'app_1' is not an application id (application_<cluster timestamp>_<number>)")]
    [InlineData("""{"application-id":"ID"}""", "am-container-spec: is missing")]
    [InlineData("""{"application-id":"ID","am-container-spec":{}}""", "am-container-spec.commands: is empty: the AM container must run a command")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"unmanaged-AM":true}""", "unmanaged-AM: true is not supported: the embedded ResourceManager launches every ApplicationMaster in a container")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"resource":{"memory":1024}}""", "resource.vCores: is missing")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"resource":{"memory":-1,"vCores":1}}""", "resource.memory: -1 MB is negative")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"max-app-attempts":"two"}""", "max-app-attempts: expected an integer, got \"two\"")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"priority":{"p":1}}""", "priority: expected an integer, got an object")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"},"environment":{"entry":[{"key":"A","value":"1"},{"key":"A","value":"2"}]}}}""", "am-container-spec.environment.entry[1].key: 'A' is given twice")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"},"environment":{"A":"1"}}}""", "am-container-spec.environment.A: unknown field (expected {\"entry\": ...})")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"},"local-resources":{"entry":{"key":"x","value":{"resource":"file:///x","visibility":"PUBLIC"}}}}}""", "am-container-spec.local-resources.entry.value.type: is missing (ARCHIVE, FILE or PATTERN)")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"},"local-resources":{"entry":[{"key":"x","value":{"resource":"not a url","type":"FILE","visibility":"PUBLIC"}}]}}}""", "am-container-spec.local-resources.entry[0].value.resource: 'not a url' is not an absolute URL")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"},"local-resources":{"entry":[{"key":"../x","value":{"resource":"file:///x","type":"FILE","visibility":"PUBLIC"}}]}}}""", "am-container-spec.local-resources.entry[0].key: '../x' must name a file below the working directory (no '.', '..' or empty segments)")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"},"local-resources":{"entry":[{"key":"x","value":{"resource":"file:///x","type":"BLOB","visibility":"PUBLIC"}}]}}}""", "am-container-spec.local-resources.entry[0].value.type: 'BLOB' is not ARCHIVE, FILE or PATTERN")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"application-tags":{"tag":["ünïcode"]}}""", "application-tags.tag[0]: 'ünïcode' has characters that are not printable ASCII")]
    [InlineData("""{"application-id":"ID","am-container-spec":{"commands":{"command":"a"}},"resource":{"memory":9000,"vCores":1}}""", "Invalid resource request: resource.memoryMb=9000 is not between 0 and the maximum allocation 8192 MB (yarn.scheduler.maximum-allocation-mb)")]
    [InlineData("""[1,2]""", "body: expected an object, got an array")]
    [InlineData("""{"application-id":""", "body: not valid JSON")]
    public async Task Submit_Malformed_Is400NamingTheField(string body, string message)
    {
        await using var rm = await RmHarness.StartAsync();
        var id = await rm.Http.NewApplicationAsync();

        var (status, json, _) = await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps", body.Replace("\"ID\"", $"\"{id}\""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var (exception, actual, java) = RestClient.RemoteException(json);
        Assert.Equal((BadRequest, "org.apache.hadoop.yarn.webapp.BadRequestException"), (exception, java));
        Assert.StartsWith(message, actual);
    }

    [Fact]
    public async Task Submit_Twice_Is400()
    {
        await using var rm = await RmHarness.StartAsync();
        var id = await rm.Http.NewApplicationAsync();
        await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps", RestClient.MinimalSubmission(id));

        await AssertErrorAsync(rm, HttpMethod.Post, "/ws/v1/cluster/apps", RestClient.MinimalSubmission(id), HttpStatusCode.BadRequest, BadRequest, $"application-id {id} is already submitted");
    }

    [Fact]
    public async Task Submit_Xml_Is415()
    {
        await using var rm = await RmHarness.StartAsync();

        await AssertErrorAsync(rm, HttpMethod.Post, "/ws/v1/cluster/apps", "<application-submission-context/>", HttpStatusCode.UnsupportedMediaType,
            "WebApplicationException", "HTTP 415 Unsupported Media Type: 'application/xml; charset=utf-8'; this ResourceManager takes application/json only (no XML)", "application/xml");
    }

    [Theory]
    [InlineData("/ws/v1/cluster/apps/application_1_0001", HttpStatusCode.NotFound, NotFound, "app with id: application_1_0001 not found")]
    [InlineData("/ws/v1/cluster/apps/application_1_0001/state", HttpStatusCode.NotFound, NotFound, "app with id: application_1_0001 not found")]
    [InlineData("/ws/v1/cluster/apps/application_1_0001/appattempts", HttpStatusCode.NotFound, NotFound, "app with id: application_1_0001 not found")]
    [InlineData("/ws/v1/cluster/apps/app_1", HttpStatusCode.BadRequest, BadRequest, "appid: 'app_1' is not an application id (application_<cluster timestamp>_<number>)")]
    [InlineData("/ws/v1/cluster/nowhere", HttpStatusCode.NotFound, NotFound, "no such resource: /ws/v1/cluster/nowhere")]
    [InlineData("/ws/v2/x", HttpStatusCode.NotFound, NotFound, "no such resource: /ws/v2/x (the YARN REST API is under /ws/v1/cluster)")]
    public async Task Get_Unknown_IsAnswered(string path, HttpStatusCode code, string exception, string message)
    {
        await using var rm = await RmHarness.StartAsync();

        await AssertErrorAsync(rm, HttpMethod.Get, path, null, code, exception, message);
    }

    [Fact]
    public async Task WrongMethod_Is405WithAllow()
    {
        await using var rm = await RmHarness.StartAsync();

        var (status, json, response) = await rm.Http.SendAsync(HttpMethod.Delete, "/ws/v1/cluster/apps");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("GET, POST", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("WebApplicationException", RestClient.RemoteException(json).Exception);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await rm.Http.SendAsync(HttpMethod.Get, "/ws/v1/cluster/apps/new-application")).Status);
    }

    [Theory]
    [InlineData("""{"state":"RUNNING"}""", "Only 'KILLED' is allowed as a target state, not 'RUNNING'.")]
    [InlineData("""{"state":"DEAD"}""", "state: 'DEAD' is not an application state")]
    [InlineData("""{}""", "state: is missing (send {\"state\":\"KILLED\"})")]
    [InlineData("""{"state":""", "body: not valid JSON")]
    public async Task PutState_Bad_Is400(string body, string message)
    {
        await using var rm = await RmHarness.StartAsync();
        var id = await rm.Http.NewApplicationAsync();
        await rm.Http.SendAsync(HttpMethod.Post, "/ws/v1/cluster/apps", RestClient.MinimalSubmission(id));

        var (status, json, _) = await rm.Http.SendAsync(HttpMethod.Put, $"/ws/v1/cluster/apps/{id}/state", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(message, RestClient.RemoteException(json).Message);
    }

    [Fact]
    public async Task PutState_UnknownApp_Is404()
    {
        await using var rm = await RmHarness.StartAsync();

        await AssertErrorAsync(rm, HttpMethod.Put, "/ws/v1/cluster/apps/application_1_0009/state", """{"state":"KILLED"}""", HttpStatusCode.NotFound, NotFound, "app with id: application_1_0009 not found");
    }
}
