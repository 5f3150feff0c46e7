namespace Bridge.Kernel.Master;

/// <summary>
/// An offer a framework declined, with the reason it gave (Bridge's <c>Call.Decline.reason</c>; Mesos has none). The
/// master keeps the latest ones for <c>/api/v1/state</c> (<c>"recent_declines"</c>) and the dashboard.
/// </summary>
/// <param name="Time">When it was declined, on the master's clock.</param>
/// <param name="OfferId">The offer.</param>
/// <param name="FrameworkId">The framework that declined it.</param>
/// <param name="AgentId">The agent whose resources it held.</param>
/// <param name="Hostname">That agent's hostname.</param>
/// <param name="Role">The role it was offered to.</param>
/// <param name="Resources">What it held.</param>
/// <param name="RefuseSeconds">How long the framework asked not to be offered these resources again, seconds (the filter).</param>
/// <param name="Reason">Why, in the framework's words; empty when it gave none. At most <see cref="MaxReasonLength"/> characters.</param>
public sealed record DeclinedOffer(DateTimeOffset Time, string OfferId, string FrameworkId, string AgentId, string Hostname, string Role,
    Resources Resources, double RefuseSeconds, string Reason)
{
    /// <summary>The longest reason kept, characters; longer ones are cut.</summary>
    public const int MaxReasonLength = 200;
}
