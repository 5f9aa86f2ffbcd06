using UpstartCtl;

// Synchronous from end to end: a one-shot command starts no thread-pool, socket-engine or timer thread.
var output = StandardStreams.Open(1);
var error = StandardStreams.Open(2);
var exitCode = Ctl.Run(ProgramName.Current(), args, output, error);
output.Flush();
error.Flush();
return exitCode;
