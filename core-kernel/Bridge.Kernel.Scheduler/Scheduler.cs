using Bridge.Kernel.V1;
using Task = System.Threading.Tasks.Task;
using TaskStatus = Bridge.Kernel.V1.TaskStatus;

namespace Bridge.Kernel.Scheduler;

/// <summary>
/// A framework's scheduler: override what it cares about. The <see cref="SchedulerDriver"/> calls
/// these one at a time, in the order the master sent the events (Mesos' <c>Scheduler</c> interface).
/// </summary>
public abstract class Scheduler
{
    /// <summary>SUBSCRIBED: the master accepted the framework (again, after a reconnect: <paramref name="reconnected"/>).</summary>
    public virtual Task SubscribedAsync(SchedulerDriver driver, FrameworkID frameworkId, bool reconnected) => Task.CompletedTask;

    /// <summary>OFFERS: resources to launch on. Accept or decline each one; an offer kept too long may be rescinded.</summary>
    public virtual Task OffersAsync(SchedulerDriver driver, IReadOnlyList<Offer> offers) =>
        driver.DeclineAsync(offers.Select(o => o.Id));

    /// <summary>RESCIND: an offer is no longer valid.</summary>
    public virtual Task RescindAsync(SchedulerDriver driver, OfferID offerId) => Task.CompletedTask;

    /// <summary>UPDATE: a task's status. The driver acknowledges it after this returns (unless auto-acknowledge is off).</summary>
    public virtual Task UpdateAsync(SchedulerDriver driver, TaskStatus status) => Task.CompletedTask;

    /// <summary>MESSAGE: data from an executor.</summary>
    public virtual Task MessageAsync(SchedulerDriver driver, AgentID agentId, ExecutorID executorId, byte[] data) => Task.CompletedTask;

    /// <summary>FAILURE: an agent was lost (<paramref name="executorId"/> null) or an executor ended with <paramref name="status"/>.</summary>
    public virtual Task FailureAsync(SchedulerDriver driver, AgentID agentId, ExecutorID? executorId, int? status) => Task.CompletedTask;

    /// <summary>ERROR: the master ended the subscription (torn down, or failed over to another instance). The driver stops.</summary>
    public virtual Task ErrorAsync(SchedulerDriver driver, string message) => Task.CompletedTask;
}
