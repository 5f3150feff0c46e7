using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Bridge.Eventing.Broker;
using Bridge.Eventing.Log.Storage;
using Bridge.Eventing.Log.Topics;
using Bridge.Eventing.Kafka;
using Confluent.Kafka;

namespace Bridge.Benchmarks;

/// <summary>What <see cref="BrokerBenchmark.RunAsync"/> measured.</summary>
/// <param name="Records">Records produced, and consumed back.</param>
/// <param name="Size">Bytes of each record's value (records have no key and no headers).</param>
/// <param name="ProduceSeconds">From the first Produce call to the last delivery report (s).</param>
/// <param name="ConsumeSeconds">From the consumer's Assign to the last record consumed (s).</param>
/// <param name="Batches">Record batches in the log: one per Produce request (one partition).</param>
/// <param name="StoredBytes">Bytes of record batches stored in the log (values plus record and batch overhead).</param>
public sealed record BrokerResult(int Records, int Size, double ProduceSeconds, double ConsumeSeconds, long Batches, long StoredBytes)
{
    /// <summary>Records produced per second.</summary>
    public double ProduceRecordsPerSecond => Records / ProduceSeconds;

    /// <summary>Records consumed per second.</summary>
    public double ConsumeRecordsPerSecond => Records / ConsumeSeconds;

    /// <summary>Record values produced per second, in MB of 10^6 bytes (keys: none; batch and record overhead not counted).</summary>
    public double ProduceMegabytesPerSecond => (double)Records * Size / 1e6 / ProduceSeconds;

    /// <summary>Record values consumed per second, in MB of 10^6 bytes (as <see cref="ProduceMegabytesPerSecond"/>).</summary>
    public double ConsumeMegabytesPerSecond => (double)Records * Size / 1e6 / ConsumeSeconds;
}

/// <summary>
/// The broker benchmark: an in-process <see cref="KafkaBroker"/> (port 0, a temporary data directory
/// deleted at the end, the broker's defaults unless a <see cref="LogConfig"/> is given) with one topic
/// of one partition. ONE Confluent.Kafka producer (acks=1, linger.ms=5, enable.idempotence=false, the
/// rest librdkafka's defaults) sends N records of <c>size</c> bytes (no key) to partition 0, and every
/// delivery report is awaited; then ONE Confluent.Kafka consumer, assigned partition 0 from the
/// beginning (a group id is set because the client requires one, but there is no subscribe, no
/// JoinGroup and no commit), reads all N back and checks each one's offset and value. Client and
/// broker share this process and its cores.
/// Last line: <c>broker records=N size=S produce_rec_s=X consume_rec_s=Y produce_mb_s=A consume_mb_s=B</c>,
/// MB = 10^6 bytes of record value.
/// </summary>
public static class BrokerBenchmark
{
    private const string Topic = "bench";

    /// <summary>Runs the benchmark, writing context lines and the result line to <paramref name="output"/>.</summary>
    /// <param name="records">Records to produce and consume (at least 1).</param>
    /// <param name="size">Bytes of each record's value (at least 1; at most what fits the broker's max.message.bytes).</param>
    /// <param name="output">Where context and the result line go.</param>
    /// <param name="logConfig">The broker's <see cref="BrokerOptions.DefaultLogConfig"/> (default: the broker's own default,
    /// flush.ms = 0, an fsync per append).</param>
    /// <param name="cancellationToken">Stops the run (the broker is still stopped and the data directory deleted).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="records"/> or <paramref name="size"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">A delivery failed, or a record came back wrong (offset or value).</exception>
    /// <exception cref="TimeoutException">A phase took longer than 60 s plus 100 µs per record.</exception>
    public static async Task<BrokerResult> RunAsync(int records, int size, TextWriter output, LogConfig? logConfig = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var inv = CultureInfo.InvariantCulture;
        var limit = TimeSpan.FromSeconds(60) + TimeSpan.FromMicroseconds(100) * records;
        var dataDir = Path.Combine(Path.GetTempPath(), $"bridge-bench-broker-{Guid.NewGuid():N}"[..32]);
        var value = new byte[size];
        new Random(1).NextBytes(value);
        BrokerResult result;
        try
        {
            var options = new BrokerOptions { DataDirectory = dataDir, Endpoint = new IPEndPoint(IPAddress.Loopback, 0) };
            if (logConfig is not null) options = options with { DefaultLogConfig = logConfig };
            await using var broker = await KafkaBroker.StartAsync(options, cancellationToken);
            var created = broker.Logs.CreateTopic(Topic, 1);
            if (created != TopicStatus.Ok) throw new InvalidOperationException($"creating topic {Topic}: {created}");
            var config = options.DefaultLogConfig;
            output.WriteLine(string.Create(inv,
                $"setup: broker {broker.BootstrapServers} data {dataDir}, topic {Topic} with 1 partition, flush.ms={config.FlushIntervalMs}{(config.FlushIntervalMs == 0 ? " (fsync every append)" : "")}; Confluent.Kafka {typeof(IProducer<,>).Assembly.GetName().Version?.ToString(3)} over librdkafka {Library.VersionString}; {Environment.ProcessorCount} cores, load {LaunchBenchmark.LoadAverage()}"));

            var produce = await OnThread("bench-producer", () => Produce(broker.BootstrapServers, records, value, limit, cancellationToken));
            output.WriteLine(string.Create(inv,
                $"produce: {records} records in {produce.Seconds:F2} s, all delivered, first delivery report {produce.FirstDeliveryMs:F0} ms after the first send, {produce.QueueFullWaits} waits for room in the client's queue"));
            output.WriteLine($"produce cpu: {produce.Cpu}");

            var log = broker.Logs.GetLog(Topic, 0) ?? throw new InvalidOperationException($"topic {Topic} has no partition 0");
            var (batches, storedBytes) = CountBatches(log);
            if (log.LogEndOffset != records) throw new InvalidOperationException($"the log ends at offset {log.LogEndOffset}, not {records}");
            output.WriteLine(string.Create(inv,
                $"log: {records} records in {batches} batches ({(double)records / batches:F0} records per batch, one batch per produce request), {storedBytes} bytes ({(double)storedBytes / records:F1} per record for a {size}-byte value)"));

            var consume = await OnThread("bench-consumer", () => Consume(broker.BootstrapServers, records, value, limit, cancellationToken));
            output.WriteLine(string.Create(inv, $"consume: {records} records in {consume.Seconds:F2} s, the first {consume.FirstRecordMs:F0} ms after Assign ({(records - 1) / (consume.Seconds - consume.FirstRecordMs / 1000):F0} records/s after it); offsets 0..{records - 1} in order, every value as sent"));
            output.WriteLine($"consume cpu: {consume.Cpu}");
            result = new BrokerResult(records, size, produce.Seconds, consume.Seconds, batches, storedBytes);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // The broker never started.
            }
            catch (IOException e)
            {
                output.WriteLine($"warning: could not delete {dataDir}: {e.Message}");
            }
        }
        output.WriteLine(string.Create(inv,
            $"broker records={records} size={size} produce_rec_s={result.ProduceRecordsPerSecond:F0} consume_rec_s={result.ConsumeRecordsPerSecond:F0} produce_mb_s={result.ProduceMegabytesPerSecond:F2} consume_mb_s={result.ConsumeMegabytesPerSecond:F2}"));
        return result;
    }

    private sealed record ProducePhase(double Seconds, double FirstDeliveryMs, long QueueFullWaits, string Cpu);

    private sealed record ConsumePhase(double Seconds, double FirstRecordMs, string Cpu);

    private static ProducePhase Produce(string bootstrapServers, int records, byte[] value, TimeSpan limit, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.Leader,
            LingerMs = 5,
            EnableIdempotence = false,
        };
        var deliveries = new Deliveries();
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        var partition = new TopicPartition(Topic, 0);
        var message = new Message<Null, byte[]> { Value = value }; // Produce copies the value into librdkafka, so one instance serves every record
        Action<DeliveryReport<Null, byte[]>> report = deliveries.Report;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        long queueFullWaits = 0;

        var cpu = CpuMeter.Start();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < records; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(partition, message, report);
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // librdkafka's queue (queue.buffering.max.messages, default 100,000) is full: wait
                    // until delivery reports make room.
                    queueFullWaits++;
                    cancellationToken.ThrowIfCancellationRequested();
                    deliveries.WaitForProgress(deadline);
                }
            }
        }
        var remaining = producer.Flush(TimeSpan.FromTicks(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
        var cpuText = cpu.Describe();
        if (remaining > 0) throw new TimeoutException($"{remaining} of {records} records were still undelivered after {limit.TotalSeconds:F0} s");
        if (deliveries.Failed > 0) throw new InvalidOperationException($"{deliveries.Failed} of {records} deliveries failed; the first: {deliveries.FirstError}");
        if (deliveries.Delivered != records) throw new InvalidOperationException($"{deliveries.Delivered} delivery reports for {records} records");
        return new ProducePhase(
            Stopwatch.GetElapsedTime(start, deliveries.LastAt).TotalSeconds,
            Stopwatch.GetElapsedTime(start, deliveries.FirstAt).TotalMilliseconds,
            queueFullWaits, cpuText);
    }

    private static ConsumePhase Consume(string bootstrapServers, int records, byte[] value, TimeSpan limit, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "bridge-bench-broker", // required by the client; no subscribe, so the group never forms
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        LibrdkafkaCompat.EnsureInstalled();
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);

        var cpu = CpuMeter.Start();
        var start = Stopwatch.GetTimestamp();
        consumer.Assign(new TopicPartitionOffset(Topic, 0, Offset.Beginning));
        var consumed = 0;
        long firstAt = 0;
        while (consumed < records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"consumed {consumed} of {records} records in {limit.TotalSeconds:F0} s");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null) continue;
            if (consumed == 0) firstAt = Stopwatch.GetTimestamp();
            if (result.Offset.Value != consumed) throw new InvalidOperationException($"record {consumed} came back with offset {result.Offset.Value}");
            if (!value.AsSpan().SequenceEqual(result.Message.Value)) throw new InvalidOperationException($"record {consumed} came back with another value ({result.Message.Value?.Length} bytes)");
            consumed++;
        }
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuText = cpu.Describe();
        consumer.Close();
        return new ConsumePhase(seconds, Stopwatch.GetElapsedTime(start, firstAt).TotalMilliseconds, cpuText);
    }

    /// <summary>Batches and bytes stored in <paramref name="log"/>, read from the batch headers (RecordBatch v2).</summary>
    private static (long Batches, long Bytes) CountBatches(PartitionLog log)
    {
        long batches = 0, bytes = 0, offset = log.LogStartOffset;
        while (offset < log.LogEndOffset)
        {
            var records = log.Read(offset, 16 << 20).Records.Span;
            if (records.IsEmpty) throw new InvalidOperationException($"the log returned nothing at offset {offset}");
            while (records.Length >= 61)
            {
                // baseOffset int64 at 0, batchLength int32 at 8 (bytes after it), lastOffsetDelta int32 at 23.
                var batchBytes = 12 + BinaryPrimitives.ReadInt32BigEndian(records[8..]);
                offset = BinaryPrimitives.ReadInt64BigEndian(records) + BinaryPrimitives.ReadInt32BigEndian(records[23..]) + 1;
                batches++;
                bytes += batchBytes;
                records = records[batchBytes..];
            }
        }
        return (batches, bytes);
    }

    /// <summary>Runs <paramref name="work"/> on a new thread named <paramref name="name"/>, so the client's
    /// own CPU shows under that name in the per-thread figures (not mixed with the broker's thread-pool work).</summary>
    private static Task<T> OnThread<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { Name = name, IsBackground = true };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// Counts delivery reports. They arrive on the client's one polling thread; the producing
    /// thread reads the counts and, when librdkafka's queue is full, waits for the next report.
    /// </summary>
    private sealed class Deliveries
    {
        private readonly ManualResetEventSlim _progress = new();
        private long _delivered;
        private long _failed;
        private int _waiting;
        private string? _firstError;

        public long Delivered => Interlocked.Read(ref _delivered);
        public long Failed => Interlocked.Read(ref _failed);
        public string? FirstError => Volatile.Read(ref _firstError);
        private long _firstAt;
        private long _lastAt;

        /// <summary>Stopwatch timestamp of the first report (0 before it).</summary>
        public long FirstAt => Volatile.Read(ref _firstAt);

        /// <summary>Stopwatch timestamp of the latest report.</summary>
        public long LastAt => Volatile.Read(ref _lastAt);

        public void Report(DeliveryReport<Null, byte[]> report)
        {
            var now = Stopwatch.GetTimestamp();
            if (_firstAt == 0) Volatile.Write(ref _firstAt, now);
            Volatile.Write(ref _lastAt, now);
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref _firstError, $"{report.Error.Code}: {report.Error.Reason}", null);
                Interlocked.Increment(ref _failed);
            }
            else
            {
                Interlocked.Increment(ref _delivered);
            }
            if (Volatile.Read(ref _waiting) != 0) _progress.Set();
        }

        /// <summary>Returns after the next delivery report (or at once if one came since the caller's
        /// last look); throws <see cref="TimeoutException"/> at <paramref name="deadline"/> (a Stopwatch timestamp).</summary>
        public void WaitForProgress(long deadline)
        {
            var seen = Delivered + Failed;
            _progress.Reset();
            Interlocked.Exchange(ref _waiting, 1); // a full fence: Report's increment and this flag cannot both be missed
            try
            {
                while (Delivered + Failed == seen)
                {
                    var left = deadline - Stopwatch.GetTimestamp();
                    if (left <= 0) throw new TimeoutException($"no delivery report came while the producer's queue was full ({seen} reports so far)");
                    _progress.Wait(TimeSpan.FromTicks(Math.Min(left * TimeSpan.TicksPerSecond / Stopwatch.Frequency, TimeSpan.TicksPerSecond)));
                }
            }
            finally
            {
                Volatile.Write(ref _waiting, 0);
            }
        }
    }

    /// <summary>CPU of the process and of its threads, and garbage collections, over one phase.</summary>
    private sealed class CpuMeter
    {
        private readonly long _start;
        private readonly TimeSpan _user;
        private readonly TimeSpan _system;
        private readonly ThreadCpu _threads;
        private readonly int[] _collections;
        private readonly TimeSpan _paused;

        private CpuMeter()
        {
            using var process = Process.GetCurrentProcess();
            (_user, _system) = (process.UserProcessorTime, process.PrivilegedProcessorTime);
            _threads = ThreadCpu.Snapshot();
            _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            _paused = GC.GetTotalPauseDuration();
            _start = Stopwatch.GetTimestamp();
        }

        public static CpuMeter Start() => new();

        /// <summary>"process 3.10 s (user 2.00 s, system 1.10 s; 1.52 of 2 cores); gc 10/2/0 (gen0/1/2), 40 ms paused; threads: ...".</summary>
        public string Describe()
        {
            var wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            using var process = Process.GetCurrentProcess();
            var user = (process.UserProcessorTime - _user).TotalSeconds;
            var system = (process.PrivilegedProcessorTime - _system).TotalSeconds;
            var threads = ThreadCpu.Snapshot().Describe(_threads);
            return string.Create(CultureInfo.InvariantCulture,
                $"process {user + system:F2} s (user {user:F2} s, system {system:F2} s; {(user + system) / wall:F2} of {Environment.ProcessorCount} cores); " +
                $"gc {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]} (gen0/1/2), " +
                $"{(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds:F0} ms paused; threads: {threads}");
        }
    }
}
