using System.Collections.Immutable;
using System.Text;
using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Sessions;
using Bridge.Eventing.V1;
using Google.Protobuf;
using Record = Bridge.Eventing.V1.Record;

namespace Bridge.Eventing.Bus.Tests.Sessions;

public sealed class SessionStateTests
{
    private static byte[] Seal(ReadCursor c) => CursorCodec.Encode(c);
    private static byte[] Seal(WriteCursor c) => CursorCodec.Encode(c);

    private static Record At(int partition, long offset) => new() { Partition = partition, Offset = offset, Value = ByteString.CopyFromUtf8($"{partition}:{offset}") };

    [Fact]
    public void Read_Stage_Then_Ack_Commits_And_Retried_Ack_Is_A_No_Op()
    {
        var state = new ReadSessionState(new ReadCursor("t", ImmutableSortedDictionary.CreateRange(new Dictionary<int, long> { [0] = 10, [1] = 0 })));
        var batch = state.Stage([At(0, 10), At(1, 0), At(0, 11)], Seal);
        var pending = state.Pending!.Value.Cursor;
        Assert.Equal(12, pending.NextOffsets[0]);
        Assert.Equal(1, pending.NextOffsets[1]);
        Assert.Same(batch, state.Pending!.Value.Batch);
        Assert.Equal(ReadAckOutcome.Committed, state.Ack(pending));
        Assert.Null(state.Pending);
        Assert.Equal(ReadAckOutcome.AlreadyCommitted, state.Ack(pending));
        Assert.Equal(ReadAckOutcome.NotPending, state.Ack(pending with { NextOffsets = pending.NextOffsets.SetItem(0, 99) }));
    }

    [Fact]
    public void Read_Refuses_A_Second_Batch_And_Records_Behind_The_Position()
    {
        var state = new ReadSessionState(new ReadCursor("t", ImmutableSortedDictionary.CreateRange(new Dictionary<int, long> { [0] = 5 })));
        Assert.Throws<InvalidOperationException>(() => state.Stage([At(0, 4)], Seal));
        Assert.Throws<InvalidOperationException>(() => state.Stage([At(3, 0)], Seal));
        state.Stage([At(0, 5)], Seal);
        Assert.Throws<InvalidOperationException>(() => state.Stage([At(0, 6)], Seal));
    }

    [Fact]
    public void An_Empty_Read_Leaves_Nothing_Pending()
    {
        var state = new ReadSessionState(new ReadCursor("t", ImmutableSortedDictionary.CreateRange(new Dictionary<int, long> { [0] = 5 })));
        var response = state.Stage([], Seal);
        Assert.Empty(response.Records);
        Assert.Null(state.Pending);
    }

    [Fact]
    public void Write_Stages_Each_Sequence_Once_And_Acks_Up_To_A_Sequence()
    {
        var state = new WriteSessionState(new WriteCursor("t", Guid.NewGuid(), 0, ImmutableSortedDictionary<int, long>.Empty), new WriteLimits());
        Assert.Equal(WriteOutcome.Staged, state.Write(1, [Value("a")]));
        Assert.Equal(WriteOutcome.AlreadyStaged, state.Write(1, [Value("a")]));
        Assert.Equal(WriteOutcome.SequenceGap, state.Write(3, [Value("c")]));
        Assert.Equal(WriteOutcome.Staged, state.Write(2, [Value("b"), Value("b2")]));
        Assert.Equal(3UL, state.NextSequence);

        var (answer, publish) = state.PlanAck(2, Seal);
        Assert.Null(answer);
        Assert.NotNull(publish);
        Assert.Equal([1UL, 2UL], publish.Select(b => b.Sequence));
        for (var i = 0; i < publish.Count; i++)
            for (var r = 0; r < publish[i].Landed.Length; r++) publish[i].Landed[r] = new RecordOffset { Partition = r, Offset = 100 + i };
        var ack = state.Complete(2, new Dictionary<int, long> { [5] = 7 }, spilled: false, Seal);
        Assert.Equal(3, ack.Offsets.Count);
        Assert.Equal(2UL, state.Committed.AckedSequence);
        Assert.Equal(102, state.Committed.ScanFrom[1]);
        Assert.Equal(7, state.Committed.ScanFrom[5]);
        Assert.Equal(0, state.StagedRecords);

        Assert.Equal(WriteOutcome.AlreadyAcked, state.Write(2, [Value("b")]));
        Assert.Same(ack, state.PlanAck(2, Seal).Answer);
        Assert.Equal((null, null), state.PlanAck(9, Seal));
    }

    [Fact]
    public void Write_Refuses_Past_The_Staging_Limit_But_Always_Takes_One_Batch()
    {
        var state = new WriteSessionState(new WriteCursor("t", Guid.NewGuid(), 0, ImmutableSortedDictionary<int, long>.Empty), new WriteLimits(MaxStagedBytes: 10, MaxStagedRecords: 100));
        Assert.Equal(WriteOutcome.Staged, state.Write(1, [Value(new string('x', 50))]));
        Assert.Equal(WriteOutcome.StagingFull, state.Write(2, [Value("y")]));
    }

    private static Record Value(string text) => new() { Value = ByteString.CopyFrom(Encoding.UTF8.GetBytes(text)) };
}
