using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Bridge.Eventing.Kafka;

/// <summary>
/// Lets Confluent.Kafka 2.15.1 consume over Debian's librdkafka 2.0.2. The client calls three
/// functions that librdkafka added in 2.1.0 with leader epochs (KIP-320):
/// <c>rd_kafka_message_leader_epoch</c> on every consumed message, and
/// <c>rd_kafka_topic_partition_get/set_leader_epoch</c> on every topic-partition list (Commit,
/// Committed, Assign, OffsetsForTimes, rebalance callbacks). Against 2.0.2 each of those throws
/// <see cref="EntryPointNotFoundException"/>, so no consumer works. librdkafka 2.0.2 does not
/// track leader epochs at all, so the faithful answer is "unknown": the getters return -1 (as
/// librdkafka ≥ 2.1 does when it has none) and the setter does nothing. The client keeps its
/// P/Invoke targets in static delegate fields of <c>Confluent.Kafka.Impl.Librdkafka</c>, set once
/// at initialisation; this replaces those three after initialisation, and only when the loaded
/// librdkafka lacks them. Every Bridge component that builds a Confluent.Kafka client calls
/// <see cref="EnsureInstalled"/> first; with librdkafka 2.1 or later it changes nothing.
/// </summary>
public static class LibrdkafkaCompat
{
    private static readonly Lazy<IReadOnlyList<string>> Patched = new(Install);

    /// <summary>
    /// Installs the stand-ins where the loaded librdkafka lacks the functions. Idempotent, thread-safe.
    /// </summary>
    /// <returns>The native functions replaced (empty with librdkafka 2.1 or later).</returns>
    /// <exception cref="MissingFieldException">A function is missing and this Confluent.Kafka has no
    /// delegate field for it (a version other than 2.15.1): its consumers could not work.</exception>
    /// <exception cref="DllNotFoundException">librdkafka is not installed (Debian: librdkafka1, librdkafka-dev).</exception>
    public static IReadOnlyList<string> EnsureInstalled() => Patched.Value;

    private static IReadOnlyList<string> Install()
    {
        _ = Library.Version; // loads librdkafka and sets the client's delegates, once
        var librdkafka = typeof(Library).Assembly.GetType("Confluent.Kafka.Impl.Librdkafka", throwOnError: true)!;
        var handle = NativeLibrary.Load("librdkafka", typeof(Library).Assembly, null);
        var patched = new List<string>();
        Replace("rd_kafka_message_leader_epoch", "_message_leader_epoch", nameof(UnknownLeaderEpoch));
        Replace("rd_kafka_topic_partition_get_leader_epoch", "_topic_partition_get_leader_epoch", nameof(UnknownLeaderEpoch));
        Replace("rd_kafka_topic_partition_set_leader_epoch", "_topic_partition_set_leader_epoch", nameof(IgnoreLeaderEpoch));
        return patched;

        void Replace(string function, string field, string replacement)
        {
            if (NativeLibrary.TryGetExport(handle, function, out _)) return;
            var target = librdkafka.GetField(field, BindingFlags.Static | BindingFlags.NonPublic)
                ?? throw new MissingFieldException($"Confluent.Kafka changed: no {field} for {function}");
            var method = typeof(LibrdkafkaCompat).GetMethod(replacement, BindingFlags.Static | BindingFlags.NonPublic)!;
            target.SetValue(null, Delegate.CreateDelegate(target.FieldType, method));
            patched.Add(function);
        }
    }

    private static int UnknownLeaderEpoch(IntPtr _) => -1;

    private static void IgnoreLeaderEpoch(IntPtr _, int epoch)
    {
    }
}
