namespace Bridge.Eventing.Bus.Tests.Typed;

/// <summary>The test classes that share one <see cref="RegistryBusFixture"/> (and so run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RegistryBusCollection : ICollectionFixture<RegistryBusFixture>
{
    public const string Name = "registry bus";
}
