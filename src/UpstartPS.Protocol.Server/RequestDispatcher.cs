using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>Turns a checked request into the matching <see cref="IControlHandler"/> call and its result into a frame.</summary>
internal static class RequestDispatcher
{
    /// <summary>Longest tail a client may ask for: enough for any screen, small enough for one frame per line.</summary>
    public const int MaxTail = 100_000;

    /// <summary>Longest `resume` accepted; the daemon's own are a few dozen characters.</summary>
    public const int MaxResume = 256;

    public static async Task<ResponseFrame> InvokeAsync(
        IControlHandler handler, ClientIdentity client, RequestFrame request, ControlOperation operation, CancellationToken cancellationToken)
    {
        var env = request.Env ?? [];
        var wait = request.Wait ?? true;
        return operation switch
        {
            ControlOperation.Version => Text(await handler.GetVersionAsync(client, cancellationToken).ConfigureAwait(false)),
            ControlOperation.List => Jobs(await handler.ListAsync(client, cancellationToken).ConfigureAwait(false)),
            ControlOperation.Status => Jobs(await handler.StatusAsync(client, JobName(request), request.Instance, cancellationToken).ConfigureAwait(false)),
            ControlOperation.Start => Job(await handler.StartAsync(client, JobName(request), env, wait, cancellationToken).ConfigureAwait(false)),
            ControlOperation.Stop => Job(await handler.StopAsync(client, JobName(request), env, wait, cancellationToken).ConfigureAwait(false)),
            ControlOperation.Restart => Job(await handler.RestartAsync(client, JobName(request), env, wait, cancellationToken).ConfigureAwait(false)),
            ControlOperation.Reload => Job(await handler.ReloadAsync(client, JobName(request), env, cancellationToken).ConfigureAwait(false)),
            ControlOperation.Emit => await Done(handler.EmitAsync(client, EventName(request), env, wait, cancellationToken)).ConfigureAwait(false),
            ControlOperation.ReloadConfiguration or ControlOperation.PreviewConfiguration => new ResponseFrame
            {
                Change = await handler.ReloadConfigurationAsync(client, operation == ControlOperation.PreviewConfiguration, cancellationToken).ConfigureAwait(false),
            },
            ControlOperation.CheckConfig => new ResponseFrame
            {
                Problems = await handler.CheckConfigAsync(client, request.IgnoredEvents ?? [], request.WarnAll ?? false, cancellationToken).ConfigureAwait(false),
            },
            ControlOperation.ShowConfig => new ResponseFrame
            {
                Config = await handler.ShowConfigAsync(client, JobName(request), cancellationToken).ConfigureAwait(false),
            },
            ControlOperation.Diagnostics => new ResponseFrame
            {
                Diagnostics = await handler.GetDiagnosticsAsync(client, cancellationToken).ConfigureAwait(false),
            },
            ControlOperation.SetEnabled => Jobs(await handler.SetEnabledAsync(client, JobName(request), Enabled(request), request.Stop ?? false, wait, cancellationToken).ConfigureAwait(false)),
            ControlOperation.GetLogPriority or ControlOperation.SetLogPriority =>
                Text(await handler.LogPriorityAsync(client, request.Priority, cancellationToken).ConfigureAwait(false)),
            ControlOperation.ListEnvironment => new ResponseFrame
            {
                Env = await handler.ListEnvironmentAsync(client, request.Job, request.Instance, cancellationToken).ConfigureAwait(false),
            },
            ControlOperation.GetEnvironment =>
                Text(await handler.GetEnvironmentAsync(client, request.Job, request.Instance, request.Names![0], cancellationToken).ConfigureAwait(false)),
            ControlOperation.SetEnvironment => await Done(handler.SetEnvironmentAsync(client, request.Job, request.Instance, env, request.Retain ?? false, cancellationToken)).ConfigureAwait(false),
            ControlOperation.UnsetEnvironment => await Done(handler.UnsetEnvironmentAsync(client, request.Job, request.Instance, request.Names!, cancellationToken)).ConfigureAwait(false),
            ControlOperation.ResetEnvironment => await Done(handler.ResetEnvironmentAsync(client, request.Job, request.Instance, cancellationToken)).ConfigureAwait(false),
            ControlOperation.Await when request.Resume == Operations.Emit =>
                await Done(handler.AwaitEventAsync(client, EventName(request), env, cancellationToken)).ConfigureAwait(false),
            ControlOperation.Await => Job(await handler.AwaitAsync(client, request.Resume!, JobName(request), env, cancellationToken).ConfigureAwait(false)),
            ControlOperation.NotifyDiskWriteable => Text(
                (await handler.NotifyDiskWriteableAsync(client, cancellationToken).ConfigureAwait(false)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => throw new UpstartException(UpstartErrorCode.BadRequest, $"{request.Op} is a stream"),
        };
    }

    /// <summary>Starts the stream for a log or watch request, as item frames.</summary>
    public static IAsyncEnumerable<ResponseFrame> Stream(
        IControlHandler handler, ClientIdentity client, RequestFrame request, ControlOperation operation, CancellationToken cancellationToken) =>
        operation switch
        {
            ControlOperation.ReadLog => Items(
                handler.ReadLogAsync(client, JobName(request), request.Instance, Tail(request), request.Follow ?? false, request.Resume, cancellationToken),
                static line => new ResponseFrame { Type = ResponseTypes.Item, Line = line },
                cancellationToken),
            ControlOperation.Watch => Items(
                handler.WatchAsync(client, request.History ?? false, request.Resume, cancellationToken),
                static item => new ResponseFrame { Type = ResponseTypes.Item, Event = item },
                cancellationToken),
            _ => throw new UpstartException(UpstartErrorCode.BadRequest, $"{request.Op} is not a stream"),
        };

    /// <summary>
    /// Checks every argument of a request once, here at the protocol edge, with the rules of
    /// <see cref="RequestArguments"/>; the handler and the engine below take them as given. Throws with
    /// initctl's words. Fields an operation does not take are ignored (docs/protocol.md).
    /// </summary>
    public static void Validate(RequestFrame request, ControlOperation operation)
    {
        switch (operation)
        {
            case ControlOperation.Status or ControlOperation.ShowConfig or ControlOperation.ReadLog:
                JobName(request);
                Instance(request);
                break;
            case ControlOperation.Start or ControlOperation.Stop or ControlOperation.Restart or ControlOperation.Reload:
                JobName(request);
                RequestArguments.CheckEnvironment(request.Env ?? []);
                break;
            case ControlOperation.Emit:
                EventName(request);
                RequestArguments.CheckEnvironment(request.Env ?? []);
                break;
            case ControlOperation.SetEnabled:
                JobName(request);
                if (Enabled(request) && request.Stop == true)
                {
                    throw new UpstartException(UpstartErrorCode.BadRequest, "set-enabled: stop goes with enabled: false");
                }

                break;
            case ControlOperation.ListEnvironment or ControlOperation.GetEnvironment or ControlOperation.SetEnvironment
                or ControlOperation.UnsetEnvironment or ControlOperation.ResetEnvironment:
                ValidateEnvironmentRequest(request, operation);
                break;
            case ControlOperation.Await:
                if (request.Resume is not (Operations.Start or Operations.Stop or Operations.Restart or Operations.Emit))
                {
                    throw new UpstartException(UpstartErrorCode.BadRequest, "await needs resume: start, stop, restart or emit (the `resume` of a ReExecuted answer)");
                }

                _ = request.Resume == Operations.Emit ? EventName(request) : JobName(request);
                RequestArguments.CheckEnvironment(request.Env ?? []);

                break;
            case ControlOperation.CheckConfig when request.IgnoredEvents is { } ignored && ignored.Any(static e => e is null):
                throw new UpstartException(UpstartErrorCode.BadRequest, "ignored events must be names");
        }

        if (operation == ControlOperation.ReadLog)
        {
            Tail(request);
        }

        if (request.Resume is { Length: > MaxResume })
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, $"resume is at most {MaxResume} characters");
        }
    }

    /// <summary>
    /// The scope (a job, with its instance; or neither, the global table) and the variables: set-env takes
    /// VAR or VAR=VALUE entries in `env`, get-env exactly one name and unset-env one or more in `names`.
    /// </summary>
    private static void ValidateEnvironmentRequest(RequestFrame request, ControlOperation operation)
    {
        if (request.Job is not null)
        {
            JobName(request);
            Instance(request);
        }
        else if (request.Instance is not null)
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, "instance goes with job: without one the request is about the global table");
        }

        switch (operation)
        {
            case ControlOperation.SetEnvironment:
                if (request.Env is not { Count: > 0 } variables)
                {
                    throw new UpstartException(UpstartErrorCode.BadRequest, "set-env needs at least one variable in env");
                }

                foreach (var entry in variables)
                {
                    if (RequestArguments.SetEnvironmentProblem(entry) is { } problem)
                    {
                        throw new UpstartException(UpstartErrorCode.BadEnvironment, problem);
                    }
                }

                break;
            case ControlOperation.GetEnvironment when request.Names is not { Count: 1 }:
                throw new UpstartException(UpstartErrorCode.BadRequest, "get-env needs exactly one name in names");
            case ControlOperation.UnsetEnvironment when request.Names is not { Count: > 0 }:
                throw new UpstartException(UpstartErrorCode.BadRequest, "unset-env needs at least one name in names");
        }

        if (operation is ControlOperation.GetEnvironment or ControlOperation.UnsetEnvironment)
        {
            foreach (var name in request.Names!)
            {
                if (RequestArguments.VariableNameProblem(name) is { } problem)
                {
                    throw new UpstartException(UpstartErrorCode.BadEnvironment, problem);
                }
            }
        }
    }

    private static string JobName(RequestFrame request) =>
        RequestArguments.JobNameProblem(request.Job) is { } problem ? throw new UpstartException(UpstartErrorCode.BadRequest, problem) : request.Job!;

    private static string EventName(RequestFrame request) =>
        RequestArguments.EventNameProblem(request.Event) is { } problem ? throw new UpstartException(UpstartErrorCode.BadRequest, problem) : request.Event!;

    private static void Instance(RequestFrame request)
    {
        if (request.Instance is { } instance && RequestArguments.NameProblem("instance name", instance) is { } problem)
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, problem);
        }
    }

    private static bool Enabled(RequestFrame request) =>
        request.Enabled ?? throw new UpstartException(UpstartErrorCode.BadRequest, "set-enabled needs enabled: true or false");

    private static int Tail(RequestFrame request) => request.Tail switch
    {
        null => 10,
        < 0 or > MaxTail => throw new UpstartException(UpstartErrorCode.BadRequest, $"tail must be between 0 and {MaxTail}"),
        { } tail => tail,
    };

    private static ResponseFrame Text(string text) => new() { Text = text };

    private static ResponseFrame Jobs(IReadOnlyList<JobInfo> jobs) => new() { Jobs = jobs };

    private static ResponseFrame Job(JobInfo job) => new() { Job = job };

    private static async Task<ResponseFrame> Done(Task work)
    {
        await work.ConfigureAwait(false);
        return new ResponseFrame();
    }

    private static async IAsyncEnumerable<ResponseFrame> Items<T>(
        IAsyncEnumerable<T> source, Func<T, ResponseFrame> toFrame, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return toFrame(item);
        }
    }
}
