namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// Parses the rest of one stanza (the keyword has been read) into the job: sets properties of
/// <see cref="JobParseState.Current"/> through a <see cref="JobField{T}"/>, or adds to a list it opens
/// (<see cref="JobParseState.Open{TBuilder}"/>). Returns false after raising
/// an error on the tokenizer; <paramref name="at"/> is left where Upstart leaves its cursor, which is
/// the line the error is reported on.
/// </summary>
internal delegate bool StanzaHandler(ConfigTokenizer t, JobParseState job, ref Cursor at);
