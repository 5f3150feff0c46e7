using Bridge.Eventing.Schemas.Registry;
using Bridge.Eventing.Schemas.Tests.Infrastructure;
using static Bridge.Eventing.Schemas.Tests.Infrastructure.TestSchemas;

namespace Bridge.Eventing.Schemas.Tests.Registry;

/// <summary>The single writer over a store: serialised writes, nothing answered before the store took it, and recovery after a failed append.</summary>
public class SchemaRegistryTests
{
    private static Task<RegistryResult<SubjectVersion>> Register(SchemaRegistry registry, string subject, string schema) =>
        registry.WriteAsync(state => RegistryCommands.Register(state, subject, Parse(schema)));

    [Fact]
    public async Task Open_ReplaysTheStore_IdsAndVersionsAsBefore()
    {
        var store = new MemoryStore();
        await using (var first = await SchemaRegistry.OpenAsync(store))
        {
            await Register(first, "a", OrderV1);
            await Register(first, "a", OrderV2);
            await Register(first, "b", OrderV2);
        }
        await using var second = await SchemaRegistry.OpenAsync(store);
        Assert.Equal([(1, 1), (2, 2)], second.State.Versions("a").Select(v => (v.Version, v.Id)));
        Assert.Equal(2, second.State.Versions("b").Single().Id);
        Assert.Equal(3, (await Register(second, "c", OrderWithoutId)).Value!.Id);
    }

    [Fact]
    public async Task ConcurrentRegistrations_OfOneSchema_GetOneIdAndOneVersion()
    {
        var store = new MemoryStore();
        await using var registry = await SchemaRegistry.OpenAsync(store);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => Register(registry, i % 2 == 0 ? "a" : "b", OrderV1))));
        Assert.All(results, r => Assert.Equal((1, 1), (r.Value!.Id, r.Value.Version)));
        Assert.Equal(2, store.Count); // one version in each subject
        Assert.Equal(1, store.MaxConcurrentAppends);
    }

    [Fact]
    public async Task FailedAppend_Answers50001_AndAppliesNothing()
    {
        var store = new MemoryStore { Fault = _ => ("broker down", false) };
        await using var registry = await SchemaRegistry.OpenAsync(store);
        var result = await Register(registry, "a", OrderV1);
        Assert.Equal(50001, RegistryErrors.Code(result.Error!.Kind));
        Assert.Contains("broker down", result.Error.Message);
        Assert.Empty(registry.State.SubjectNames(includeDeleted: true));
    }

    [Fact]
    public async Task AppendStoredButNotAcknowledged_NextWriteRebuildsFromTheStore_SoIdsStayConsistent()
    {
        var store = new MemoryStore { Fault = _ => ("timed out after the broker wrote it", true) };
        await using var registry = await SchemaRegistry.OpenAsync(store);
        Assert.NotNull((await Register(registry, "a", OrderV1)).Error);
        var readsBefore = store.Reads;
        store.Fault = _ => null;

        var again = await Register(registry, "a", OrderV1);

        Assert.Equal(readsBefore + 1, store.Reads);
        Assert.Equal((1, 1), (again.Value!.Id, again.Value.Version)); // found in the log, not registered twice
        Assert.Equal(1, store.Count);
        Assert.Equal(2, (await Register(registry, "a", OrderV2)).Value!.Id);
        Assert.Equal(readsBefore + 1, store.Reads); // rebuilt once, not on every write
    }

    [Fact]
    public async Task RebuildFailing_KeepsAnswering50001_UntilTheStoreIsBack()
    {
        var store = new MemoryStore { Fault = _ => ("down", false) };
        await using var registry = await SchemaRegistry.OpenAsync(store);
        await Register(registry, "a", OrderV1);
        store.FailReads = true;
        store.Fault = _ => null;
        Assert.Equal(RegistryErrorKind.StoreError, (await Register(registry, "a", OrderV1)).Error!.Kind);
        store.FailReads = false;
        Assert.Equal(1, (await Register(registry, "a", OrderV1)).Value!.Id);
    }

    [Fact]
    public async Task RefusedCommand_WritesNothing()
    {
        var store = new MemoryStore();
        await using var registry = await SchemaRegistry.OpenAsync(store);
        await Register(registry, "a", OrderV1);
        Assert.Equal(RegistryErrorKind.IncompatibleSchema, (await Register(registry, "a", OrderWithRequiredNote)).Error!.Kind);
        Assert.Equal(1, store.Count);
    }
}
