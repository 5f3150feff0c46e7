using System.Text;

namespace Bridge.Schedulers.Jobs.Runs;

/// <summary>
/// A run's own arguments (Chronos' <c>?arguments=TEXT</c> on <c>PUT /v1/scheduler/job/{name}</c>): text added
/// to the command of that one run. Chronos appends the text to the command line (<c>command + " " + TEXT</c>),
/// which the shell then reads; a job without a shell has no command line, so here the text is split into words
/// as a POSIX shell splits them (<see cref="TrySplit"/>) and the words take the place of the job's own
/// arguments in argv (as Chronos' task id carries the run's arguments instead of the job's).
/// <see cref="Quote"/> writes words so that both read them back unchanged (what <c>bridge job run NAME -- ARGS</c>
/// sends).
/// </summary>
public static class RunArguments
{
    /// <summary>
    /// Splits <paramref name="text"/> into words as <c>sh</c> does, without expanding anything: blanks (space, tab,
    /// newline) separate words; <c>'...'</c> is literal; inside <c>"..."</c> a backslash escapes only <c>\ " $ `</c>
    /// and a newline; outside quotes a backslash escapes the next character, and a backslash-newline is dropped.
    /// <c>$</c>, <c>*</c>, <c>|</c>, <c>;</c> and the rest are ordinary characters.
    /// </summary>
    /// <param name="text">The arguments as one text.</param>
    /// <param name="words">The words; when the text is malformed, the best reading (an open quote closed at the end).</param>
    /// <param name="error">Why the text is malformed (an unterminated quote, a trailing backslash), or null.</param>
    /// <returns>False when the text is malformed.</returns>
    public static bool TrySplit(string text, out IReadOnlyList<string> words, out string? error)
    {
        var result = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        error = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = null;
                else word.Append(c);
            }
            else if (quote == '"')
            {
                if (c == '"') quote = null;
                else if (c == '\\' && i + 1 < text.Length && text[i + 1] is '\\' or '"' or '$' or '`' or '\n')
                {
                    if (text[++i] != '\n') word.Append(text[i]);
                }
                else word.Append(c);
            }
            else if (c is ' ' or '\t' or '\n')
            {
                if (inWord) result.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (c == '\\')
            {
                if (i + 1 == text.Length)
                {
                    error = "ends with a backslash that escapes nothing";
                    break;
                }
                if (text[++i] == '\n') continue;
                word.Append(text[i]);
                inWord = true;
            }
            else
            {
                if (c is '\'' or '"') quote = c;
                else word.Append(c);
                inWord = true;
            }
        }
        if (quote is { } open) error = $"has an unterminated {(open == '"' ? "double" : "single")} quote";
        if (inWord) result.Add(word.ToString());
        words = result;
        return error is null;
    }

    /// <summary>
    /// Writes <paramref name="words"/> as one text that <see cref="TrySplit"/> and <c>sh</c> read back as exactly those
    /// words: a word of only <c>A-Za-z0-9_-.,/:=@%+</c> as it is, any other in single quotes (a <c>'</c> in it written
    /// <c>'\''</c>), an empty one as <c>''</c>; separated by single spaces.
    /// </summary>
    public static string Quote(IEnumerable<string> words) => string.Join(' ', words.Select(QuoteWord));

    private static string QuoteWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "_-.,/:=@%+".Contains(c))
            ? word
            : "'" + word.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
}
