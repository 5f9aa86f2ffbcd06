using System.Collections.Concurrent;
using System.Diagnostics;
using UpstartPS.Matching;

namespace UpstartPS.Completion;

/// <summary>
/// The names a completer offers, fetched from the daemon with a short time limit and kept for a few
/// seconds, so pressing Tab repeatedly costs one round trip. A completer runs on the prompt: it never
/// throws and never waits long; when the daemon is slow or away it offers what it had, or nothing. An
/// answer that comes after the time limit is not thrown away: the fetch goes on (up to <see cref="LateLimit"/>)
/// and the next Tab offers what it brought. A first Tab in a fresh shell, whose first connection is slow
/// (0.9 s measured), would otherwise find nothing again for a whole lifetime.
/// </summary>
public sealed class CompletionSource
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>How long a fetch that missed the prompt's time limit may still bring its answer.</summary>
    public static readonly TimeSpan LateLimit = TimeSpan.FromSeconds(5);

    private static readonly ConcurrentDictionary<string, CompletionSource> Sources = new(StringComparer.Ordinal);

    private readonly Func<CancellationToken, Task<IReadOnlyList<string>>> _fetch;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _timeout;
    private readonly Stopwatch _age = new();
    private IReadOnlyList<string> _names = [];
    private Task<IReadOnlyList<string>>? _inFlight;

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
                // A fetch still under way from an earlier Tab is waited on again rather than started anew.
                var task = _inFlight ??= Start();
                if (!task.Wait(_timeout))
                {
                    // Not fresh: the next Tab waits on the same fetch, or takes what it brought meanwhile.
                    return _names;
                }

                Take(task);
            }
#pragma warning disable CA1031 // A completer must never throw at the prompt, whatever went wrong.
            catch (Exception)
#pragma warning restore CA1031
            {
                // Keep the last names we had; ask again only after a lifetime, not at every Tab.
                _inFlight = null;
                _age.Restart();
            }

            return _names;
        }
    }

    private Task<IReadOnlyList<string>> Start()
    {
        var late = new CancellationTokenSource(LateLimit);
        Task<IReadOnlyList<string>> task;
        try
        {
            task = _fetch(late.Token);
        }
        catch
        {
            late.Dispose();
            throw;
        }

        task.ContinueWith(
            done =>
            {
                late.Dispose();
                lock (_age)
                {
                    if (ReferenceEquals(_inFlight, done))
                    {
                        Take(done);
                    }
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Under the lock: a finished fetch's names (the last ones kept if it failed), fresh from now.</summary>
    private void Take(Task<IReadOnlyList<string>> done)
    {
        if (done.IsCompletedSuccessfully)
        {
            _names = done.Result;
        }
        else
        {
            _ = done.Exception;
        }

        _inFlight = null;
        _age.Restart();
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
