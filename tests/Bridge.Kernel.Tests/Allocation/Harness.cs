using Bridge.Kernel.Allocation;
using Bridge.Testing;

namespace Bridge.Kernel.Tests.Allocation;

/// <summary>An allocator on a manual clock, with short names for tests.</summary>
internal sealed class Harness
{
    private int _tasks;

    public Harness(AllocatorOptions? options = null)
    {
        Clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));
        Allocator = new HierarchicalAllocator(options ?? new AllocatorOptions(), Clock);
    }

    public ManualTimeProvider Clock { get; }
    public HierarchicalAllocator Allocator { get; }

    public static Resources R(string text) => Resources.Parse(text);
    public static FrameworkId F(string id) => new(id);
    public static AgentId A(string id) => new(id);

    public AgentId Agent(string id, string resources)
    {
        Allocator.AddAgent(A(id), id + ".example", R(resources));
        return A(id);
    }

    public FrameworkId Framework(string id, params string[] roles)
    {
        Allocator.AddFramework(F(id), roles.Length == 0 ? ["*"] : roles);
        return F(id);
    }

    /// <summary>Accepts <paramref name="offer"/>, launching tasks of the given shapes; the rest returns with <paramref name="refuseSeconds"/>.</summary>
    public IReadOnlyList<TaskId> Launch(Offer offer, double? refuseSeconds, params string[] tasks)
    {
        var ops = tasks.Select(t => (OfferOperation)new LaunchOperation(new TaskId($"task-{++_tasks}"), R(t))).ToList();
        var result = Allocator.Accept(offer.Id, ops, new Filters(refuseSeconds));
        Assert.True(result.Succeeded, result.Error);
        return ops.Cast<LaunchOperation>().Select(l => l.TaskId).ToList();
    }

    public double Share(FrameworkId id, string role = "*") => Allocator.GetFrameworkShare(id, role);
}
