namespace Upstart.JobFiles.Tests.Conformance;

/// <summary>The files of one `parse/` case: NAME.conf, optional NAME.override, NAME.expect.</summary>
internal sealed record ParseCase(string Name, string Conf, string? Override, ParseExpectation Expectation)
{
    public static ParseCase Load(string name)
    {
        var dir = CorpusLocator.Folder("parse");
        var conf = Path.Combine(dir, name + ".conf");
        var over = Path.Combine(dir, name + ".override");
        var expect = Path.Combine(dir, name + ".expect");
        if (!File.Exists(conf) || !File.Exists(expect))
        {
            throw new FormatException($"case '{name}' in {dir} needs both {name}.conf and {name}.expect");
        }

        foreach (var file in Directory.EnumerateFiles(dir, name + ".*"))
        {
            var ext = Path.GetExtension(file);
            if (Path.GetFileNameWithoutExtension(file) == name && ext is not (".conf" or ".override" or ".expect"))
            {
                throw new FormatException($"case '{name}': unexpected file {file}");
            }
        }

        return new ParseCase(
            name,
            ReadExact(conf),
            File.Exists(over) ? ReadExact(over) : null,
            ParseExpectation.Load(expect));
    }

    /// <summary>The file's exact text: UTF-8, no newline translation, no BOM skipping.</summary>
    public static string ReadExact(string path) => new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(path));
}
