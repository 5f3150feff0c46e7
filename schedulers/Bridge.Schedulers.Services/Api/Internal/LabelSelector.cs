using Bridge.Schedulers.Services.Definitions;

namespace Bridge.Schedulers.Services.Api.Internal;

/// <summary>
/// Marathon's label selector query (<c>GET /v2/apps?label=...</c>): selectors separated by commas, all
/// of which must hold. <c>key</c> (the label exists), <c>key==value</c>, <c>key!=value</c>,
/// <c>key in (a, b)</c>, <c>key notin (a, b)</c>; every form needs the label to exist. Terms are
/// letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; any other character is escaped with a backslash
/// (<c>\!\!</c>). Whitespace between tokens is ignored. Source: Marathon's api/v2/LabelSelector.scala.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<(string Key, Func<string, bool> Holds)> _selectors;

    private LabelSelector(List<(string, Func<string, bool>)> selectors) => _selectors = selectors;

    /// <summary>Whether every selector holds for <paramref name="labels"/>.</summary>
    public bool Matches(ValueMap labels) =>
        _selectors.All(s => labels.TryGetValue(s.Key, out var value) && s.Holds(value));

    /// <summary>Parses a query.</summary>
    /// <returns>False with Marathon's message (<c>Can not parse label selector ... Reason: ...</c>) when it does not parse.</returns>
    public static bool TryParse(string query, out LabelSelector selector, out string? error)
    {
        var reader = new Reader(query);
        var selectors = new List<(string, Func<string, bool>)>();
        selector = new LabelSelector(selectors);
        error = null;
        try
        {
            reader.SkipSpace();
            while (!reader.AtEnd)
            {
                selectors.Add(reader.Selector());
                reader.SkipSpace();
                if (!reader.AtEnd) reader.Expect(",");
                reader.SkipSpace();
            }
            return true;
        }
        catch (FormatException e)
        {
            error = $"Can not parse label selector {query}. Reason: {e.Message}";
            return false;
        }
    }

    private sealed class Reader(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        public void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        public (string, Func<string, bool>) Selector()
        {
            var key = Term();
            SkipSpace();
            if (Accept("==")) return Equality(key, equal: true);
            if (Accept("!=")) return Equality(key, equal: false);
            var save = _at;
            foreach (var (op, inSet) in (ReadOnlySpan<(string, bool)>)[("notin", false), ("in", true)])
            {
                if (!Accept(op)) continue;
                SkipSpace();
                if (Peek('('))
                {
                    var set = Set();
                    return (key, value => set.Contains(value) == inSet);
                }
                _at = save;
            }
            return (key, _ => true);
        }

        private (string, Func<string, bool>) Equality(string key, bool equal)
        {
            SkipSpace();
            var value = Term();
            return (key, v => (v == value) == equal);
        }

        private HashSet<string> Set()
        {
            Expect("(");
            var set = new HashSet<string>(StringComparer.Ordinal);
            SkipSpace();
            if (Accept(")")) return set;
            while (true)
            {
                SkipSpace();
                set.Add(Term());
                SkipSpace();
                if (Accept(")")) return set;
                Expect(",");
            }
        }

        private string Term()
        {
            var term = new System.Text.StringBuilder();
            while (_at < text.Length)
            {
                var c = text[_at];
                if (c == '\\' && _at + 1 < text.Length)
                {
                    term.Append(text[_at + 1]);
                    _at += 2;
                }
                else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
                {
                    term.Append(c);
                    _at++;
                }
                else break;
            }
            if (term.Length == 0)
                throw new FormatException(AtEnd ? "a label or value was expected at the end" : $"a label or value was expected at '{text[_at..]}'");
            return term.ToString();
        }

        public void Expect(string token)
        {
            if (!Accept(token)) throw new FormatException($"'{token}' expected but {(AtEnd ? "the end" : $"'{text[_at..]}'")} found");
        }

        private bool Accept(string token)
        {
            if (_at + token.Length > text.Length || string.CompareOrdinal(text, _at, token, 0, token.Length) != 0) return false;
            _at += token.Length;
            return true;
        }

        private bool Peek(char c) => _at < text.Length && text[_at] == c;
    }
}
