namespace Bridge.Rpc.Tests.Loopback;

/// <summary>Tests that count process-wide allocations run alone, so other tests' work is not counted.</summary>
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationTests
{
}
