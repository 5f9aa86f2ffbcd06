using Microsoft.Extensions.Logging;

namespace UpstartPS.TestSupport.Engine;

/// <summary>Keeps every formatted message so tests can assert what the daemon reported.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly List<(LogLevel Level, string Message)> messages = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Messages
    {
        get
        {
            lock (messages)
            {
                return [.. messages];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.messages)
            {
                owner.messages.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
