namespace Bridge.Eventing.Schemas.Tests.Infrastructure;

/// <summary>One broker and registry shared by a test class; each test uses its own subjects.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    internal RegistryHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await RegistryHarness.StartAsync();

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
