using Bridge.Kernel.Protocol;
using Bridge.Kernel.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace Bridge.Kernel.Agent.Health;

/// <summary>One completed health check, as seen by <see cref="HealthChecker.Checked"/>.</summary>
/// <param name="Healthy">The check passed.</param>
/// <param name="Message">What happened, e.g. <c>HTTP health check failed: GET http://127.0.0.1:8080/ returned 500 (healthy: 200-399)</c>.</param>
/// <param name="Counted">False for a failure ignored because it fell in the grace period before any success.</param>
/// <param name="ConsecutiveFailures">Counted failures in a row after this check (0 after a success).</param>
public sealed record HealthCheckResult(bool Healthy, string Message, bool Counted, int ConsecutiveFailures);

/// <summary>
/// Runs a task's <see cref="HealthCheck"/> with Mesos' semantics (<c>HealthCheckerProcess</c>):
/// the first check <c>delay_seconds</c> (default 15) after <see cref="Start"/>, each next one
/// <c>interval_seconds</c> (default 10) after the previous one ended; a check running longer than
/// <c>timeout_seconds</c> (default 20; 0: no timeout) fails and its process is killed. Failures
/// within <c>grace_period_seconds</c> (default 10) of the start are ignored until the task has once
/// been healthy. Every timer, timeouts included, runs on the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Callbacks run on a thread-pool thread, one at a time and in order: <c>healthChanged</c> on the
/// first counted result and whenever health flips (Mesos sends a TASK_RUNNING update with
/// <c>healthy</c> only then); <c>unhealthy</c> once, when <c>consecutive_failures</c> (default 3)
/// counted failures come in a row; the caller kills the task, and checking stops. A callback may
/// dispose the checker. The task runs on the host network, so HTTP and TCP checks go to 127.0.0.1.
/// </remarks>
public sealed partial class HealthChecker : IAsyncDisposable
{
    private static readonly AsyncLocal<bool> InCallback = new();

    private readonly TimeProvider _time;
    private readonly HealthCheckTiming _timing;
    private readonly HealthTracker _tracker;
    private readonly IHealthProbe _probe;
    private readonly string _kind;
    private readonly Action<bool, string> _healthChanged;
    private readonly Action<string> _unhealthy;
    private readonly HttpClient? _ownedClient;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly object _deliveryGate = new();
    private ITimer? _timer;
    private Task _running = Task.CompletedTask;
    private long _startedAt;
    private bool _started;
    private bool _disposed;

    /// <summary>A checker for <paramref name="check"/>; nothing runs before <see cref="Start"/>.</summary>
    /// <param name="check">The task's health check; validated with <see cref="HealthCheckValidation.Validate"/>.</param>
    /// <param name="timeProvider">Clock for the delay, interval, timeout and grace period.</param>
    /// <param name="sandboxDirectory">The task's sandbox: a COMMAND check's working directory; its output is appended to <c>stderr</c> there.</param>
    /// <param name="environment">Environment of a COMMAND check (the task's), overlaid by the check command's own variables.</param>
    /// <param name="healthChanged">Called with (healthy, message) on the first counted result and on every change.</param>
    /// <param name="unhealthy">Called once with a message when the task must be killed.</param>
    /// <param name="httpClient">Client for HTTP checks, not disposed here (default: one of our own, which accepts any certificate as <c>curl -k</c> does).</param>
    /// <param name="logger">Where check failures are logged (default: nowhere).</param>
    /// <exception cref="InvalidMessageException">The check is invalid; the message names the field.</exception>
    public HealthChecker(HealthCheck check, TimeProvider timeProvider, string sandboxDirectory,
        IReadOnlyDictionary<string, string> environment, Action<bool, string> healthChanged, Action<string> unhealthy,
        HttpClient? httpClient = null, ILogger? logger = null)
    {
        HealthCheckValidation.Validate(check);
        _time = timeProvider;
        _timing = HealthCheckTiming.From(check);
        _tracker = new HealthTracker(_timing);
        _healthChanged = healthChanged;
        _unhealthy = unhealthy;
        _logger = logger ?? NullLogger.Instance;
        _kind = check.Type.ToString().ToUpperInvariant();
        if (check.Type == HealthCheck.Types.Type.Http && httpClient is null) httpClient = _ownedClient = HttpProbe.CreateDefaultClient();
        _probe = check.Type switch
        {
            HealthCheck.Types.Type.Command => new CommandProbe(check.Command, sandboxDirectory, environment),
            HealthCheck.Types.Type.Http => new HttpProbe(check.Http, httpClient!),
            _ => new TcpProbe(check.Tcp.Port),
        };
    }

    /// <summary>Raised after every completed check, ignored ones included (for logs, metrics and tests); runs before the callbacks.</summary>
    public event Action<HealthCheckResult>? Checked;

    /// <summary>Starts the clock: the grace period from now, the first check after the delay.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <exception cref="ObjectDisposedException">Disposed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) throw new InvalidOperationException("The health checker is already started.");
            _started = true;
            _startedAt = _time.GetTimestamp();
            _timer = _time.CreateTimer(static state => ((HealthChecker)state!).Fire(), this, _timing.Delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops checking: no further checks or callbacks; a running check is cancelled (its
    /// process killed) and awaited, unless this is called from one of the callbacks.</summary>
    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer?.Dispose();
            running = _running;
        }
        _stop.Cancel();
        if (!InCallback.Value) await running.ConfigureAwait(false);
        _ownedClient?.Dispose();
    }

    private void Fire()
    {
        lock (_gate)
        {
            if (_disposed) return;
            // The timeout's timer is armed here, on the timer's thread, so that it counts from the moment
            // the check is due on the injected clock rather than from whenever the pool runs it.
            var timeout = _timing.Timeout is { } t ? new CancellationTokenSource(t, _time) : new CancellationTokenSource();
            _running = Task.Run(() => CheckAsync(timeout));
        }
    }

    private async Task CheckAsync(CancellationTokenSource timeout)
    {
        ProbeOutcome outcome;
        using (timeout)
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token))
        {
            try
            {
                outcome = await _probe.RunAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                outcome = new ProbeOutcome(false, $"{_kind} health check timed out after {_timing.Timeout!.Value.TotalSeconds:0.###} s");
            }
            catch (Exception e)
            {
                // A probe fault is not the task's fault, but an unchecked task must not look healthy.
                LogProbeFault(_logger, _kind, e);
                outcome = new ProbeOutcome(false, $"{_kind} health check could not run: {e.Message}");
            }
        }
        Deliver(outcome);
    }

    private void Deliver(ProbeOutcome outcome)
    {
        lock (_deliveryGate)
        {
            HealthVerdict verdict;
            lock (_gate)
            {
                if (_disposed) return;
                verdict = _tracker.Record(outcome.Healthy, _time.GetElapsedTime(_startedAt));
                // Re-armed before the callbacks so that whoever sees a result also sees the next check due.
                if (!verdict.Kill) _timer!.Change(_timing.Interval, Timeout.InfiniteTimeSpan);
            }
            if (!verdict.Counted) LogIgnored(_logger, outcome.Message);
            else if (!outcome.Healthy) LogFailed(_logger, verdict.ConsecutiveFailures, _timing.ConsecutiveFailures, outcome.Message);
            InCallback.Value = true;
            try
            {
                Checked?.Invoke(new HealthCheckResult(outcome.Healthy, outcome.Message, verdict.Counted, verdict.ConsecutiveFailures));
                if (verdict.Changed) _healthChanged(outcome.Healthy, outcome.Message);
                if (verdict.Kill)
                    _unhealthy($"Task is unhealthy: {verdict.ConsecutiveFailures} consecutive health check failures; last: {outcome.Message}");
            }
            finally
            {
                InCallback.Value = false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health check failure ignored (grace period, never healthy yet): {Message}")]
    private static partial void LogIgnored(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check failed ({Failures} of {Limit} in a row): {Message}")]
    private static partial void LogFailed(ILogger logger, int failures, int limit, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} health check threw")]
    private static partial void LogProbeFault(ILogger logger, string kind, Exception exception);
}
