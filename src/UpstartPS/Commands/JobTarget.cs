namespace UpstartPS.Commands;

/// <summary>One job (and instance, empty for a single-instance job) a command acts on.</summary>
internal sealed record JobTarget(string Name, string Instance)
{
    public override string ToString() => Instance.Length == 0 ? Name : $"{Name} (instance: {Instance})";
}
