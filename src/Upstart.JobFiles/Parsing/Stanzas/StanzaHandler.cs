namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// Parses the rest of one stanza (the keyword has been read) into the job. Returns false after raising
/// an error on the tokenizer; <paramref name="at"/> is left where Upstart leaves its cursor, which is
/// the line the error is reported on.
/// </summary>
internal delegate bool StanzaHandler(ConfigTokenizer t, JobClassBuilder job, ref Cursor at);
