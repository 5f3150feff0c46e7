using Bridge.Kernel;
using Bridge.Schedulers.Services.Constraints;
using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Placement.Internal;

/// <summary>The offer must hold something of a role the app accepts (Marathon: "not a single resource
/// matching the resource selector").</summary>
internal sealed class RoleStage : IOfferStage
{
    public void Check(MatchContext context)
    {
        if (context.Usable.Count == 0)
            context.Reject(RejectReason.UnfulfilledRole,
                $"the offer has no resources of the roles the app accepts ({context.AcceptedRolesText()})");
    }
}

/// <summary>Every placement constraint must hold on the offering agent.</summary>
internal sealed class ConstraintStage : IOfferStage
{
    public void Check(MatchContext context)
    {
        var rejections = ConstraintEvaluator.CheckAll(context.App.Constraints, context.Offer.Agent, context.Placement);
        foreach (var r in rejections)
        {
            context.Constraints.Add(r);
            context.Reject(RejectReason.UnfulfilledConstraint, r.ToString());
        }
    }
}

/// <summary>Takes one scalar (cpus, mem, disk, gpus) from the usable resources, reserved ones first.</summary>
internal sealed class ScalarStage(string name, RejectReason reason, Func<AppDefinition, Scalar> required) : IOfferStage
{
    public void Check(MatchContext context)
    {
        var need = required(context.App);
        if (need.IsZero) return;
        var left = need;
        foreach (var r in context.Usable)
        {
            if (left.IsZero) break;
            if (r.Name != name || r.Type != ResourceType.Scalar) continue;
            var take = Scalar.Min(left, r.Scalar);
            context.Taken.Add(r.WithScalar(take));
            left -= take;
        }
        if (left.IsZero) return;
        var shortfall = new ResourceShortfall(name, need, need - left);
        context.Shortfalls.Add(shortfall);
        context.Reject(reason, shortfall.ToString());
    }
}
