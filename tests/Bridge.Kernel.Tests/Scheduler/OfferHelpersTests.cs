using Bridge.Kernel.Protocol;
using Bridge.Kernel.Scheduler;
using Bridge.Kernel.V1;
using WireResource = Bridge.Kernel.V1.Resource;

namespace Bridge.Kernel.Tests.Scheduler;

public class OfferHelpersTests
{
    [Fact]
    public void CommandTask_Create_IsAShellCommandWithCpusAndMem()
    {
        var task = CommandTask.Create("t-1", "echo hi", cpus: 0.5, memMb: 64);

        Assert.Equal("t-1", task.TaskId.Value);
        Assert.Equal("t-1", task.Name);
        Assert.Equal("echo hi", task.Command.Value);
        Assert.True(task.Command.Shell);
        Assert.Null(task.AgentId);
        Assert.Equal("cpus:0.5;mem:64", ResourceConversion.ToModel(task.Resources, "resources").ToString());
    }

    [Theory]
    [InlineData("", "echo", 0.1, 32, "id")]
    [InlineData("a/b", "echo", 0.1, 32, "id")]
    [InlineData("t", " ", 0.1, 32, "command")]
    [InlineData("t", "echo", -1, 32, "cpus")]
    [InlineData("t", "echo", 0.1, double.NaN, "memMb")]
    [InlineData("t", "echo", 0, 0, "cpus")]
    public void CommandTask_Create_BadArgument_ThrowsNamingIt(string id, string command, double cpus, double mem, string parameter)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => CommandTask.Create(id, command, cpus, mem));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void TakeFitting_TakesFromTheFrontWhileTheNextFits()
    {
        var offer = Offer(Scalar("cpus", 1), Scalar("mem", 100));
        var pending = new Queue<TaskInfo>(Enumerable.Range(1, 4).Select(i => CommandTask.Create($"t{i}", "true", 0.3, 32)));

        var taken = offer.TakeFitting(pending);

        Assert.Equal(["t1", "t2", "t3"], taken.Select(t => t.TaskId.Value));
        Assert.Equal("t4", Assert.Single(pending).TaskId.Value);
    }

    [Fact]
    public void TakeFitting_FirstDoesNotFit_TakesNothingAndKeepsTheOrder()
    {
        var offer = Offer(Scalar("cpus", 1), Scalar("mem", 100));
        var pending = new Queue<TaskInfo>([CommandTask.Create("big", "true", 2, 32), CommandTask.Create("small", "true", 0.1, 32)]);

        Assert.Empty(offer.TakeFitting(pending));
        Assert.Equal(["big", "small"], pending.Select(t => t.TaskId.Value));
    }

    [Fact]
    public void TakeFitting_CpusReservedForARole_DoNotServeAnUnreservedTask()
    {
        var reserved = Scalar("cpus", 4);
        reserved.Reservations.Add(new WireResource.Types.ReservationInfo { Type = WireResource.Types.ReservationInfo.Types.Type.Static, Role = "analytics" });
        var pending = new Queue<TaskInfo>([CommandTask.Create("t", "true", 1, 32)]);

        Assert.Empty(Offer(reserved, Scalar("mem", 1024)).TakeFitting(pending));
    }

    [Fact]
    public void TakeFitting_MalformedTaskResources_ThrowsNamingTheTask()
    {
        var task = CommandTask.Create("bad", "true");
        task.Resources[0].Scalar.Value = -1;

        var error = Assert.Throws<InvalidMessageException>(() => Offer(Scalar("cpus", 1), Scalar("mem", 100)).TakeFitting(new Queue<TaskInfo>([task])));

        Assert.Equal("task bad.resources[0].scalar", error.Field);
    }

    private static Offer Offer(params WireResource[] resources) => new()
    {
        Id = new OfferID { Value = "o1" },
        AgentId = new AgentID { Value = "a1" },
        Resources = { resources },
    };

    private static WireResource Scalar(string name, double value) =>
        new() { Name = name, Type = Value.Types.Type.Scalar, Scalar = new Value.Types.Scalar { Value = value } };
}
