using System.Reflection;
using Confluent.Kafka;

namespace Bridge.Benchmarks;

/// <summary>
/// Lets Confluent.Kafka 2.15.1 consume over Debian's librdkafka 2.0.2 (ENVIRONMENT.md: the only
/// combination that restores here). <c>Consumer.Consume</c> calls
/// <c>rd_kafka_message_leader_epoch</c> for every message, a function librdkafka added in 2.1.0;
/// on 2.0.2 the first Consume throws <see cref="EntryPointNotFoundException"/>. Producing is not
/// affected. Confluent.Kafka binds each native function to a private static delegate field of its
/// internal <c>Confluent.Kafka.Impl.Librdkafka</c> class; this replaces that one delegate with one
/// answering -1, what librdkafka itself answers when the leader epoch is unknown (and what a
/// broker without leader epochs, like ours, amounts to). Nothing else changes.
/// </summary>
internal static class LibrdkafkaCompat
{
    /// <summary>librdkafka 2.1.0 as <see cref="Library.Version"/> encodes it (0xMMmmrrxx).</summary>
    private const int LeaderEpochSince = 0x020100ff;

    /// <summary>
    /// Patches the delegate when the loaded librdkafka predates 2.1.0. Call after the first client
    /// was built (building one binds the delegates) and before the first Consume. Idempotent.
    /// </summary>
    /// <exception cref="InvalidOperationException">librdkafka is older than 2.1.0 and this Confluent.Kafka
    /// does not have the field this expects (a version other than 2.15.1): consuming would fail.</exception>
    public static void Apply()
    {
        if (Library.Version >= LeaderEpochSince) return;
        var impl = typeof(IConsumer<,>).Assembly.GetType("Confluent.Kafka.Impl.Librdkafka");
        var field = impl?.GetField("_message_leader_epoch", BindingFlags.NonPublic | BindingFlags.Static);
        var invoke = field?.FieldType.GetMethod("Invoke");
        if (field is null || invoke is null || invoke.ReturnType != typeof(int) || invoke.GetParameters() is not [{ ParameterType: var p }] || p != typeof(IntPtr))
            throw new InvalidOperationException(
                $"librdkafka {Library.VersionString} lacks rd_kafka_message_leader_epoch (2.1.0+), which Confluent.Kafka's Consume calls, and " +
                $"Confluent.Kafka {typeof(IConsumer<,>).Assembly.GetName().Version} has no Librdkafka._message_leader_epoch(IntPtr) delegate to stand in for it");
        var unknown = typeof(LibrdkafkaCompat).GetMethod(nameof(UnknownLeaderEpoch), BindingFlags.NonPublic | BindingFlags.Static)!;
        field.SetValue(null, Delegate.CreateDelegate(field.FieldType, unknown));
    }

    private static int UnknownLeaderEpoch(IntPtr message) => -1;
}
