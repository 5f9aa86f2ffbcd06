using UpstartCtl;

return await Ctl.RunAsync(ProgramName.Current(), args, Console.Out, Console.Error).ConfigureAwait(false);
