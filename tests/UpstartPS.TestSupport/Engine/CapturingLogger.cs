using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace UpstartPS.TestSupport.Engine;

/// <summary>Keeps every formatted message so tests can assert the daemon's log lines word for word.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    /// <summary>What Upstart logs at its default priority (warnings and worse).</summary>
    public IReadOnlyList<string> Warnings => [.. Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));

    public void Clear() => Entries.Clear();
}
