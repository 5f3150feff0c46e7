namespace Bridge.Kernel;

/// <summary>The id of an agent (Mesos <c>AgentID</c>). Opaque, non-empty text.</summary>
/// <param name="Value">The id text.</param>
public readonly record struct AgentId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>The id of a framework (Mesos <c>FrameworkID</c>). Opaque, non-empty text.</summary>
/// <param name="Value">The id text.</param>
public readonly record struct FrameworkId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>The id of an offer (Mesos <c>OfferID</c>). Opaque, non-empty text.</summary>
/// <param name="Value">The id text.</param>
public readonly record struct OfferId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>The id of a task (Mesos <c>TaskID</c>), unique within its framework.</summary>
/// <param name="Value">The id text.</param>
public readonly record struct TaskId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>An executor's id, unique within its framework (Mesos <c>ExecutorID</c>).</summary>
public readonly record struct ExecutorId(string Value)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
