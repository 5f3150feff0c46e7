using Bridge.Schedulers.Services.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// <c>GET /v2/deployments</c> (every deployment under way, oldest first) and <c>DELETE
/// /v2/deployments/{id}</c> (Marathon's DeploymentsResource): without <c>force</c> the deployment is
/// rolled back by a new one (200 with its result); with <c>force=true</c> it just stops where it is
/// (202, no body); 404 <c>DeploymentPlan {id} does not exist</c>.
/// </summary>
internal static class DeploymentsApi
{
    /// <summary><c>GET /v2/deployments</c>: a JSON array of Marathon's deployment objects.</summary>
    public static async Task ListAsync(ApiContext api, HttpContext context)
    {
        var deployments = await api.Control.ReadAsync((s, _) =>
            s.Deployments.OrderBy(d => d.Started).ThenBy(d => d.Id, StringComparer.Ordinal).ToList());
        await ApiHttp.JsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray();
            foreach (var d in deployments) StatusJson.WriteDeployment(w, d);
            w.WriteEndArray();
        });
    }

    /// <summary><c>DELETE /v2/deployments/{id}</c>.</summary>
    public static async Task CancelAsync(ApiContext api, HttpContext context, string id)
    {
        if (!ApiHttp.TryFlag(context, "force", false, out var force, out var refused))
        {
            await refused!;
            return;
        }
        var result = await api.Control.ChangeAsync((s, now, d) => s.CancelDeployment(id, now, force, d));
        if (result.Error == SubmitError.UnknownApp)
            await ApiHttp.MessageAsync(context, StatusCodes.Status404NotFound, $"DeploymentPlan {id} does not exist");
        else if (result.Deployment is { } rollback)
            await ApiHttp.DeploymentResultAsync(context, StatusCodes.Status200OK, rollback, rollback.Version ?? rollback.Started);
        else context.Response.StatusCode = StatusCodes.Status202Accepted;
    }
}
