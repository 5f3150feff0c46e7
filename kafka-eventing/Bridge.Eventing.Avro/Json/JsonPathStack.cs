using System.Text;
using Bridge.Eventing.Avro.Schemas;

namespace Bridge.Eventing.Avro.Json;

/// <summary>
/// Where the reader is in the JSON document: a stack of member names and array indexes, pushed
/// and popped as it descends (no allocation per step), written as JSONPath (<c>$.tasks[3].state</c>,
/// <c>$.labels["app name"]</c>) only when an error needs it.
/// </summary>
internal sealed class JsonPathStack
{
    private readonly List<(string? Member, int Index)> _steps = [];

    public void PushMember(string name) => _steps.Add((name, -1));

    public void PushIndex(int index) => _steps.Add((null, index));

    public void Pop() => _steps.RemoveAt(_steps.Count - 1);

    public override string ToString()
    {
        var text = new StringBuilder("$");
        foreach (var (member, index) in _steps)
        {
            if (member is null) text.Append('[').Append(index).Append(']');
            else if (SchemaText.IsValidName(member)) text.Append('.').Append(member);
            else text.Append("[\"").Append(member.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\"]");
        }
        return text.ToString();
    }
}
