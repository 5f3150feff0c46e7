using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.ResourceManager.Scheduling;

namespace Bridge.Yarn.ResourceManager.Tests.Scheduling;

/// <summary>Small builders shared by the scheduler tests.</summary>
internal static class SchedulerFixture
{
    public static readonly Resource Gb = new(1024, 1);

    public static ApplicationAttemptId Attempt(int app, int attempt = 1) => new(new ApplicationId(1_000, app), attempt);

    public static NodeId Node(int i) => new($"h{i}", 8041);

    public static ResourceRequest Ask(int n, string where = "*", int priority = 1, Resource? size = null, bool relax = true) =>
        new(new Priority(priority), where, size ?? Gb, n, relax);

    /// <summary>Adds an attempt whose AM is 1 GB and asks for <paramref name="containers"/> more containers of 1 GB anywhere (the AM's ask included).</summary>
    public static ApplicationAttemptId Submit(YarnScheduler s, int app, string queue, int containers, int appPriority = 0)
    {
        var id = Attempt(app);
        Assert.True(s.AddAttempt(id, queue, appPriority, Gb).IsOk);
        Assert.True(s.UpdateAsks(id, [Ask(1, priority: 0), Ask(containers, priority: 1)]).IsOk);
        return id;
    }

    public static void AddNodes(YarnScheduler s, int count, Resource each, Func<int, string>? rack = null)
    {
        for (var i = 1; i <= count; i++) Assert.True(s.AddNode(Node(i), each, rack?.Invoke(i) ?? "/default-rack"));
    }
}
