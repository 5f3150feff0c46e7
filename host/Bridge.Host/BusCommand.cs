using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Eventing.Bus;
using Bridge.Eventing.Bus.Api;
using Bridge.Eventing.Bus.Backend;
using Bridge.Eventing.Bus.Cursors;
using Bridge.Eventing.Bus.Policy;
using Bridge.Eventing.Schemas.Client;
using Bridge.Eventing.Security;

namespace Bridge.Host;

/// <summary>
/// <c>bridge bus</c>: the event bus's tiers as separate processes (docs/bus.md). <c>--role backend</c>
/// runs one back-end node, <c>--role api</c> the API tier routing to the nodes named with
/// <c>--backend ID=URL</c>; every process of one bus shares the sealing keys (<c>bridge bus keygen</c>).
/// </summary>
internal static class BusCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "api or backend.", Required = true };
        role.AcceptOnlyFromAmong("api", "backend");
        var port = new Option<int?>("--port") { Description = "Port on 127.0.0.1 (default: 7070 for api, 7071 for backend; 0 picks a free one)." };
        var sealing = SealingKeysOption();
        var policies = PolicyOption();
        var bootstrap = new Option<string>("--bootstrap") { Description = "backend: Kafka bootstrap servers.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BOOTSTRAP") ?? "127.0.0.1:9092" };
        var nodeId = new Option<string>("--node-id") { Description = "backend: this node's id, unique in the bus.", DefaultValueFactory = _ => "backend-1" };
        var keyRing = KeyRingOption();
        var spill = new Option<string?>("--spill-dir") { Description = "backend: where to spill at shutdown and re-inject from at start." };
        var registry = new Option<string?>("--registry") { Description = "backend: schema registry URL; written records' schema ids must be registered there." };
        var backends = new Option<string[]>("--backend") { Description = "api: a back-end node as ID=URL (repeat for each node).", AllowMultipleArgumentsPerToken = false };
        var issuer = new Option<string?>("--token-issuer") { Description = "api: the issuer bearer tokens must carry." };
        var audience = new Option<string?>("--token-audience") { Description = "api: the audience bearer tokens must carry.", DefaultValueFactory = _ => "bridge-bus" };
        var tokenKey = new Option<string?>("--token-key") { Description = "api: the token signing key: a PEM public key (RS/ES) or a key file of HS256 secrets." };
        var signing = new Option<string?>("--signing-keys") { Description = "api: key file of the clients' request-signing secrets." };
        var tls = new Option<string?>("--tls-cert") { Description = "api: serve TLS with this PKCS#12 certificate file (password in BRIDGE_BUS_TLS_PASSWORD)." };
        var command = new Command("bus", "Run one tier of the event bus until interrupted.")
            { role, port, sealing, policies, bootstrap, nodeId, keyRing, spill, registry, backends, issuer, audience, tokenKey, signing, tls };
        command.Subcommands.Add(Keygen());
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var topicPolicies = TopicPolicies.Parse(parse.GetValue(policies) ?? []);
                var keys = LoadSealingKeys(parse.GetValue(sealing));
                using var logs = Logging.Create();
                if (parse.GetValue(role) == "backend")
                {
                    var options = new BackendOptions
                    {
                        NodeId = parse.GetValue(nodeId)!,
                        BootstrapServers = parse.GetValue(bootstrap)!,
                        Cursors = new CursorTokens(new TokenSealer(keys, CursorTokens.Purpose)),
                        Cipher = LoadKeyRing(parse.GetValue(keyRing)) is { } ring ? new RecordCipher(ring) : null,
                        Policies = topicPolicies,
                        SpillDirectory = parse.GetValue(spill),
                        Registry = parse.GetValue(registry) is { } url ? new SchemaRegistryClient(new Uri(url)) : null,
                        LoggerFactory = logs,
                    };
                    await using var node = await BackendServer.StartAsync(options, new IPEndPoint(IPAddress.Loopback, parse.GetValue(port) ?? 7071));
                    Console.WriteLine($"bus backend {options.NodeId} listening on {node.Address.ToString().TrimEnd('/')} kafka {options.BootstrapServers}");
                    await Shutdown.WaitAsync(cancellationToken);
                    Console.WriteLine("draining");
                }
                else
                {
                    var nodes = (parse.GetValue(backends) ?? []).Select(ParseBackend).ToList();
                    if (nodes.Count == 0) throw new FormatException("--backend ID=URL: at least one back-end node");
                    await using var api = await ApiServer.StartAsync(new ApiOptions
                    {
                        Backends = nodes,
                        SessionIds = new SessionIds(new TokenSealer(keys, SessionIds.Purpose)),
                        Policies = topicPolicies,
                        Tokens = Tokens(parse.GetValue(issuer), parse.GetValue(audience), parse.GetValue(tokenKey)),
                        Signatures = parse.GetValue(signing) is { } path ? new RequestVerifier(KeyFile.Load(path)) : null,
                        Endpoint = new IPEndPoint(IPAddress.Loopback, parse.GetValue(port) ?? 7070),
                        Certificate = parse.GetValue(tls) is { } pfx ? X509CertificateLoader.LoadPkcs12FromFile(pfx, Environment.GetEnvironmentVariable("BRIDGE_BUS_TLS_PASSWORD")) : null,
                        LoggerFactory = logs,
                    });
                    Console.WriteLine($"bus api listening on {api.Address.ToString().TrimEnd('/')} backends {string.Join(",", nodes.Select(n => n.NodeId))}");
                    await Shutdown.WaitAsync(cancellationToken);
                }
                return 0;
            }
            catch (Exception e) when (e is FormatException or KeyFileException or IOException or ArgumentException or CryptographicException)
            {
                Console.Error.WriteLine($"bridge bus: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary><c>--sealing-keys FILE</c>: the keys that seal cursors and session ids (default <c>BRIDGE_BUS_SEALING_KEYS</c>).</summary>
    internal static Option<string?> SealingKeysOption() => new("--sealing-keys")
    {
        Description = "Key file sealing cursors and session ids, shared by every process of the bus (bridge bus keygen makes one).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BUS_SEALING_KEYS"),
    };

    /// <summary><c>--key-ring FILE</c>: AES-256 keys for record encryption (default <c>BRIDGE_BUS_KEY_RING</c>).</summary>
    internal static Option<string?> KeyRingOption() => new("--key-ring")
    {
        Description = "Key file of AES-256 record keys (the active one encrypts); or the keys themselves in BRIDGE_BUS_KEYS.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BRIDGE_BUS_KEY_RING"),
    };

    /// <summary><c>--topic-policy PATTERN=FLAGS</c>, repeatable.</summary>
    internal static Option<string[]> PolicyOption() => new("--topic-policy")
    {
        Description = "A topic policy, PATTERN=FLAG[,FLAG] with flags encrypt, plaintext, token, signature, tls, sensitive (repeat for more).",
    };

    private static Command Keygen()
    {
        var file = new Argument<string>("file") { Description = "Where to write the key file (mode 0600); it must not exist." };
        var id = new Option<string>("--id") { Description = "The key's id.", DefaultValueFactory = _ => "k1" };
        var command = new Command("keygen", "Write a key file with one fresh random 32-byte key (sealing keys, key rings, signing secrets).") { file, id };
        command.SetAction(parse =>
        {
            try
            {
                KeyFile.Create([new KeyFileEntry(parse.GetValue(id)!, RandomNumberGenerator.GetBytes(32))], parse.GetValue(id)!).Save(parse.GetValue(file)!);
                Console.WriteLine($"wrote {parse.GetValue(file)}");
                return 0;
            }
            catch (Exception e) when (e is IOException or KeyFileException or ArgumentException)
            {
                Console.Error.WriteLine($"bridge bus keygen: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static KeyFile LoadSealingKeys(string? path) =>
        path is null ? throw new FormatException("--sealing-keys FILE (or BRIDGE_BUS_SEALING_KEYS) is required: every process of a bus must share them") : KeyFile.Load(path);

    /// <summary>The key ring from a file, else from BRIDGE_BUS_KEYS, else none.</summary>
    internal static KeyRing? LoadKeyRing(string? path) => path is not null ? KeyRing.Load(path) : KeyRing.FromEnvironment();

    private static BearerTokenValidator? Tokens(string? issuer, string? audience, string? keyPath)
    {
        if (issuer is null && keyPath is null) return null;
        if (issuer is null || keyPath is null || audience is null) throw new FormatException("--token-issuer, --token-audience and --token-key go together");
        var text = File.ReadAllText(keyPath);
        IReadOnlyList<BearerSigningKey> keys = text.Contains("-----BEGIN", StringComparison.Ordinal)
            ? [BearerSigningKey.FromPem(text)]
            : KeyFile.Parse(text, keyPath).Entries.Select(e => BearerSigningKey.FromSecret(e.Key, e.KeyId)).ToList();
        return new BearerTokenValidator(new BearerTokenOptions { Issuer = issuer, Audience = audience, SigningKeys = keys });
    }

    private static BackendEndpoint ParseBackend(string spec)
    {
        var eq = spec.IndexOf('=');
        if (eq <= 0 || !Uri.TryCreate(spec[(eq + 1)..], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new FormatException($"--backend '{spec}': expected ID=http://host:port");
        return new BackendEndpoint(spec[..eq], uri);
    }
}
