using Bridge.Yarn.Protocol.Records;
using Bridge.Yarn.ResourceManager.Applications;
using Bridge.Yarn.ResourceManager.Records;
using Bridge.Yarn.V1;

namespace Bridge.Yarn.Protocol.Conversion;

/// <summary>
/// Converts a wire submission (Hadoop's ApplicationSubmissionContextProto) into an
/// <see cref="ApplicationSubmissionContext"/>: validated, Hadoop's defaults applied, and every field set to
/// something the embedded ResourceManager does not honour reported in
/// <see cref="ApplicationSubmissionContext.Unsupported"/> (or refused, for <c>unmanaged_am = true</c>).
/// </summary>
public static class SubmissionConversion
{
    /// <summary>The AM container's size when a submission names none (1024 MB, 1 vcore, the core's default).</summary>
    public static Resource DefaultAmResource => new ApplicationSubmission { ApplicationId = default }.AmResource;

    /// <summary>
    /// A submission from the wire, by <paramref name="user"/>. Required: application_id, am_container_spec with at
    /// least one command. Defaults (Hadoop's): application_name <c>N/A</c>, queue <c>default</c>, priority 0,
    /// applicationType <c>YARN</c>, maxAppAttempts 0 (the RM's maximum), resource 1024 MB and 1 vcore.
    /// </summary>
    /// <exception cref="InvalidMessageException">A field is missing or invalid, or unmanaged_am is true; the message names it under <paramref name="field"/>.</exception>
    public static ApplicationSubmissionContext ToRecord(this ApplicationSubmissionContextProto? proto, string user, string field)
    {
        var p = RecordConversion.Require(proto, field);
        var id = p.ApplicationId.ToRecord($"{field}.application_id");
        if (p.UnmanagedAm)
            throw new InvalidMessageException($"{field}.unmanaged_am", "true is not supported: the embedded ResourceManager launches every ApplicationMaster in a container");
        if (p.Queue.Trim().Length == 0) throw new InvalidMessageException($"{field}.queue", "is empty");
        if (p.HasMaxAppAttempts && p.MaxAppAttempts < 0) throw new InvalidMessageException($"{field}.maxAppAttempts", $"{p.MaxAppAttempts} is negative");
        var spec = RecordConversion.Require(p.AmContainerSpec, $"{field}.am_container_spec").ToRecord($"{field}.am_container_spec");
        if (spec.Commands.Count == 0 || spec.Commands.All(string.IsNullOrWhiteSpace))
            throw new InvalidMessageException($"{field}.am_container_spec.command", "is empty: the AM container must run a command");
        var submission = new ApplicationSubmission
        {
            ApplicationId = id,
            Name = p.ApplicationName,
            Queue = p.Queue.Trim(),
            User = user,
            ApplicationType = p.ApplicationType,
            Priority = p.Priority is null ? 0 : p.Priority.ToRecord($"{field}.priority").Value,
            AmResource = p.Resource is null ? DefaultAmResource : p.Resource.ToRecord($"{field}.resource"),
            MaxAppAttempts = p.HasMaxAppAttempts ? p.MaxAppAttempts : null,
            AmContainerSpec = new AmContainerSpec(spec.Commands, spec.Environment),
        };
        var tags = ApplicationTags.Normalize(p.ApplicationTags, $"{field}.applicationTags");
        return new ApplicationSubmissionContext(submission, spec, tags, Unsupported(p, field));
    }

    private static List<string> Unsupported(ApplicationSubmissionContextProto p, string field)
    {
        var notes = new List<string>();
        if (p.KeepContainersAcrossApplicationAttempts)
            notes.Add($"{field}.keep_containers_across_application_attempts: true is not honoured; a new attempt starts with no containers");
        if (p.HasAttemptFailuresValidityInterval && p.AttemptFailuresValidityInterval > 0)
            notes.Add($"{field}.attempt_failures_validity_interval: {p.AttemptFailuresValidityInterval} ms is not honoured; failures count over the application's whole life");
        if (!string.IsNullOrEmpty(p.NodeLabelExpression))
            notes.Add($"{field}.node_label_expression: '{p.NodeLabelExpression}' is not honoured; node labels are not modelled, containers go on any node");
        if (p.HasCancelTokensWhenComplete && !p.CancelTokensWhenComplete)
            notes.Add($"{field}.cancel_tokens_when_complete: false is not honoured; this ResourceManager renews and cancels no delegation tokens");
        if (p.AmContainerSpec.ServiceData.Count > 0)
            notes.Add($"{field}.am_container_spec.service_data: not honoured ({string.Join(", ", p.AmContainerSpec.ServiceData.Select(s => s.Key))}); NodeManagers here run no auxiliary services");
        return notes;
    }
}
