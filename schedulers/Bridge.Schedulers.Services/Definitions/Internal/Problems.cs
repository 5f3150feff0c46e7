using Bridge.Schedulers.Hosting;
namespace Bridge.Schedulers.Services.Definitions.Internal;

/// <summary>Collects errors by path (in the order first found, each message once) and unsupported
/// fields while a definition is read. Paths are Marathon's: <c>/field</c>, <c>/list(3)/field</c>;
/// the empty path is the whole app, shown as <c>/</c>.</summary>
internal sealed class Problems
{
    private readonly List<(string Path, List<string> Errors)> _errors = [];
    private readonly List<UnsupportedField> _unsupported = [];

    public bool HasErrors => _errors.Count > 0;

    public static string Field(string path, string name) => path + "/" + name;

    public static string Index(string path, int index) => $"{path}({index})";

    public void Error(string path, string message)
    {
        path = path.Length == 0 ? "/" : path;
        int i = _errors.FindIndex(e => e.Path == path);
        if (i < 0) _errors.Add((path, [message]));
        else if (!_errors[i].Errors.Contains(message)) _errors[i].Errors.Add(message);
    }

    public void NotSupported(string path, string reason) => _unsupported.Add(new UnsupportedField(path, reason));

    public AppJsonResult Result(AppDefinition? app) => new(
        HasErrors ? null : app,
        HasErrors ? new AppJsonFailure(422, AppJsonFailure.NotValid, ValueList.From(_errors.Select(e => new ValidationDetail(e.Path, ValueList.From(e.Errors))))) : null,
        ValueList.From(_unsupported));
}
