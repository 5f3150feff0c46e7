namespace Bridge.Rpc.Tests.Interop;

/// <summary>Our client (RpcChannel) against grpcio's server: the whole client contract.</summary>
[Trait("Category", "Interop")]
public class PythonServerTests : Loopback.EchoClientContract, IClassFixture<PythonEchoServerFixture>
{
    public PythonServerTests(PythonEchoServerFixture server) : base(server) { }
}
