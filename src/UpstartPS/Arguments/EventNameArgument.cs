using System.Management.Automation;

namespace UpstartPS.Arguments;

/// <summary>
/// Keeps a job piped into Send-UpstartEvent from binding as an event name. PowerShell would bind a job's
/// Name (`Get-UpstartJob web | Send-UpstartEvent` would emit an event called "web"): a transformation sees
/// the pipeline object itself before any conversion, so a job, local or deserialized, becomes a marked
/// value that the cmdlet refuses with JobIsNotAnEvent. Strings and events pass through unchanged.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class EventNameArgumentAttribute : ArgumentTransformationAttribute
{
    /// <summary>Starts a marked value: NUL never occurs in an event name the daemon accepts.</summary>
    internal const string JobMarker = "\0job:";

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var typeNames = inputData is PSObject wrapped ? wrapped.TypeNames : null;
        var value = inputData is PSObject o ? o.BaseObject : inputData;
        if (value is UpstartJob job)
        {
            return JobMarker + job;
        }

        if (typeNames is not null && typeNames.Contains("Deserialized.UpstartPS.UpstartJob") && inputData is PSObject remote)
        {
            return JobMarker + remote.Properties["Name"]?.Value;
        }

        return inputData;
    }

    internal static bool IsJob(string name, out string job)
    {
        job = name.StartsWith(JobMarker, StringComparison.Ordinal) ? name[JobMarker.Length..] : "";
        return job.Length > 0 || name == JobMarker;
    }
}
