namespace Bridge.Chaos;

/// <summary>
/// Asks every master's <c>/health</c> at once, every <c>interval</c>, for the whole run, and counts the samples in
/// which more than one master said it leads (<see cref="DoubleLeaders"/>: episodes, so a double leadership seen in
/// several samples in a row counts once). Masters that do not answer (killed) are not counted.
/// </summary>
public sealed class LeaderSampler : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<Uri>> _masters;
    private readonly MasterProbe _probe;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly LeaderTally _tally = new();
    private int _doubleLeaders;
    private volatile int _leader = -1;

    /// <param name="masters">The masters' addresses (read at every sample).</param>
    /// <param name="probe">How to ask them.</param>
    /// <param name="interval">Time between samples (e.g. 50 ms).</param>
    public LeaderSampler(Func<IReadOnlyList<Uri>> masters, MasterProbe probe, TimeSpan interval)
    {
        _masters = masters;
        _probe = probe;
        _interval = interval;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Episodes in which two or more masters said they lead in the same sample.</summary>
    public int DoubleLeaders => Volatile.Read(ref _doubleLeaders);

    /// <summary>The index of the master that led in the last sample, or -1.</summary>
    public int Leader => _leader;

    /// <summary>Samples taken.</summary>
    public long Samples { get; private set; }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var masters = _masters();
            var health = await Task.WhenAll(masters.Select(m => _probe.HealthAsync(m)));
            _tally.Observe(health);
            _leader = _tally.Leader;
            Interlocked.Exchange(ref _doubleLeaders, _tally.DoubleLeaders);
            Samples++;
            try
            {
                await Task.Delay(_interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops sampling.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
    }
}

/// <summary>
/// The sampler's arithmetic, pure: fed one sample at a time (each master's <c>/health</c>, null when it did not answer),
/// it knows the leader of the last sample and counts double-leadership episodes (samples in a row with two or more
/// masters saying they lead count once).
/// </summary>
public sealed class LeaderTally
{
    private bool _inDouble;

    /// <summary>Episodes so far.</summary>
    public int DoubleLeaders { get; private set; }

    /// <summary>The index of the one master that led in the last sample, or -1 (none, or several).</summary>
    public int Leader { get; private set; } = -1;

    /// <summary>Takes one sample.</summary>
    public void Observe(IReadOnlyList<MasterHealth?> sample)
    {
        var leaders = Enumerable.Range(0, sample.Count).Where(i => sample[i]?.Leader == true).ToList();
        if (leaders.Count > 1 && !_inDouble) DoubleLeaders++;
        _inDouble = leaders.Count > 1;
        Leader = leaders.Count == 1 ? leaders[0] : -1;
    }
}
