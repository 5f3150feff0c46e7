using Bridge.Eventing.Kafka;
using Bridge.Eventing.Broker.ClientTests.Infrastructure;
using Confluent.Kafka;

namespace Bridge.Eventing.Broker.ClientTests;

/// <summary>The client stack these tests run on: Confluent.Kafka 2.15.1 over Debian's librdkafka.</summary>
public class LibraryTests
{
    [Fact]
    public void Library_LoadsDebiansLibrdkafka_WithLeaderEpochFunctionsFilledIn()
    {
        var patched = LibrdkafkaCompat.EnsureInstalled();

        Assert.StartsWith("2.", Library.VersionString);
        // librdkafka 2.0.x lacks the three KIP-320 functions the client calls; 2.1+ has them all.
        if (Library.VersionString.StartsWith("2.0."))
            Assert.Equal(["rd_kafka_message_leader_epoch", "rd_kafka_topic_partition_get_leader_epoch", "rd_kafka_topic_partition_set_leader_epoch"], patched);
        else
            Assert.Empty(patched);
    }
}
