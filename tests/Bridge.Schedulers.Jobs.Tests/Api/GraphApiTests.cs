using System.Net;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Schedulers.Jobs.Tests.Api;

/// <summary><c>GET /v1/scheduler/graph/dot</c>.</summary>
public sealed class GraphApiTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_Chain_Is_Drawn_Parents_First_As_Graphviz_Text()
    {
        // Added out of name order, to show the ids follow the graph, not the names or the order of adding.
        await _host.AddScheduledAsync(ApiHost.Daily("extract"));
        await _host.AddDependentAsync(ApiHost.Child("transform", "extract"));
        await _host.AddDependentAsync(ApiHost.Child("load", "transform"));
        await _host.AddScheduledAsync(ApiHost.Daily("alone"));

        var reply = (await _host.GetAsync("/v1/scheduler/graph/dot")).Is(HttpStatusCode.OK);
        Assert.Equal("text/vnd.graphviz; charset=utf-8", reply.Header("Content-Type"));
        Assert.Equal("""
            digraph G {
              1 [ label="alone" ];
              2 [ label="extract" ];
              3 [ label="transform" ];
              4 [ label="load" ];
              2 -> 3;
              3 -> 4;
            }

            """.ReplaceLineEndings("\n"), reply.Body);
    }

    [Fact]
    public async Task An_Empty_Graph_Is_An_Empty_Digraph() =>
        Assert.Equal("digraph G {\n}\n", (await _host.GetAsync("/v1/scheduler/graph/dot")).Is(HttpStatusCode.OK).Body);
}
