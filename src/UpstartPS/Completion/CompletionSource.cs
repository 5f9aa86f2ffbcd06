using System.Collections.Concurrent;
using System.Diagnostics;
using UpstartPS.Matching;

namespace UpstartPS.Completion;

/// <summary>
/// The names a completer offers, fetched from the daemon with a short time limit and kept for a few
/// seconds, so pressing Tab repeatedly costs one round trip. A completer runs on the prompt: it never
/// throws and never waits long; when the daemon is slow or away it offers what it had, or nothing.
/// </summary>
public sealed class CompletionSource
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(300);

    private static readonly ConcurrentDictionary<string, CompletionSource> Sources = new(StringComparer.Ordinal);

    private readonly Func<CancellationToken, Task<IReadOnlyList<string>>> _fetch;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _timeout;
    private readonly Stopwatch _age = new();
    private IReadOnlyList<string> _names = [];

    public CompletionSource(Func<CancellationToken, Task<IReadOnlyList<string>>> fetch, TimeSpan? lifetime = null, TimeSpan? timeout = null)
    {
        _fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
        _lifetime = lifetime ?? DefaultLifetime;
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>One shared source per (kind, socket), so each prompt's daemon has its own cache.</summary>
    public static CompletionSource For(string key, Func<CancellationToken, Task<IReadOnlyList<string>>> fetch) =>
        Sources.GetOrAdd(key, _ => new CompletionSource(fetch));

    /// <summary>The cached names, refreshed when older than the lifetime; never throws.</summary>
    public IReadOnlyList<string> Names()
    {
        lock (_age)
        {
            if (_age.IsRunning && _age.Elapsed < _lifetime)
            {
                return _names;
            }

            try
            {
                using var limit = new CancellationTokenSource(_timeout);
                var task = _fetch(limit.Token);
                if (task.Wait(_timeout))
                {
                    _names = task.Result;
                }
                else
                {
                    task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
            }
#pragma warning disable CA1031 // A completer must never throw at the prompt, whatever went wrong.
            catch (Exception)
#pragma warning restore CA1031
            {
                // Keep the last names we had.
            }

            _age.Restart();
            return _names;
        }
    }

    /// <summary>The names that start with <paramref name="word"/> (quotes stripped; wildcards honoured), sorted.</summary>
    public static IEnumerable<string> Complete(IEnumerable<string> names, string? word)
    {
        ArgumentNullException.ThrowIfNull(names);
        var text = (word ?? "").Trim('\'', '"');
        var pattern = NamePattern.Parse(text.EndsWith('*') ? text : text + "*");
        return names.Where(pattern.IsMatch).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>How a name is typed back: quoted when it holds a character PowerShell would split on.</summary>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or ',' or '(' or ')' or '{' or '}' or '@' or '&' or '|' or '#' or '<' or '>')
            ? $"'{name.Replace("'", "''", StringComparison.Ordinal)}'"
            : name;
    }
}
