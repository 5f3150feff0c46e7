using Bridge.Kernel;
using Bridge.Schedulers.Hosting;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Placement.Internal;

/// <summary>One stage of <see cref="OfferMatcher"/>: checks one thing, adding its reason and details to the
/// context when it fails and what it takes when it fits.</summary>
internal interface IOfferStage
{
    void Check(MatchContext context);
}

/// <summary>The state of one match: the inputs, computed once, and what the stages found.</summary>
internal sealed class MatchContext
{
    public MatchContext(OfferFacts offer, AppDefinition app, CurrentPlacement placement)
    {
        Offer = offer;
        App = app;
        Placement = placement;
        // Reserved-for-the-role first (OrderBy is stable, so each group keeps the canonical order).
        Usable = [.. offer.Resources.Where(Accepts).OrderBy(r => r.IsReserved ? 0 : 1)];
    }

    public OfferFacts Offer { get; }
    public AppDefinition App { get; }
    public CurrentPlacement Placement { get; }

    /// <summary>The offered resources the app may use, reserved ones first.</summary>
    public IReadOnlyList<Resource> Usable { get; }

    public List<RejectReason> Reasons { get; } = [];
    public List<ConstraintRejection> Constraints { get; } = [];
    public List<ResourceShortfall> Shortfalls { get; } = [];
    public List<string> Details { get; } = [];
    public List<Resource> Taken { get; } = [];
    public int[] HostPorts { get; set; } = [];

    public void Reject(RejectReason reason, string detail)
    {
        if (!Reasons.Contains(reason)) Reasons.Add(reason);
        Details.Add(detail);
    }

    public OfferMatchResult Result()
    {
        if (Reasons.Count > 0)
            return new OfferRejected(ValueList.From(Reasons.Order()), ValueList.From(Constraints),
                ValueList.From(Shortfalls), ValueList.From(Details));
        var taken = Resources.Of(Taken);
        if (!Offer.Resources.Contains(taken))
            throw new InvalidOperationException($"matched '{taken}' for {App.Id}, which offer '{Offer.Resources}' does not contain");
        return new OfferMatched(taken, ValueList.From(HostPorts));
    }

    /// <summary>The roles the app accepts, in words (for details).</summary>
    public string AcceptedRolesText()
    {
        var roles = new List<string>();
        if (AcceptsUnreserved) roles.Add("*");
        if (AcceptsRole) roles.Add(App.Role);
        return string.Join(", ", roles);
    }

    private bool AcceptsUnreserved => App.AcceptedResourceRoles.Count == 0 || App.AcceptedResourceRoles.Contains(Roles.Default);

    private bool AcceptsRole => App.Role != Roles.Default && (App.AcceptedResourceRoles.Count == 0 || App.AcceptedResourceRoles.Contains(App.Role));

    private bool Accepts(Resource r) =>
        !r.IsPersistentVolume && (r.IsReserved ? AcceptsRole && Roles.IsSelfOrAncestor(r.Role, App.Role) : AcceptsUnreserved);
}
