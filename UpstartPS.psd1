# The UpstartPS module: Upstart-style jobs on Linux, managed from PowerShell 7.
# ModuleVersion must equal <Version> in Directory.Build.props (a contract test checks it).
@{
    RootModule           = 'UpstartPS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '739aed67-2f65-46fd-ab9b-8f6ad3ed629a'
    Author               = 'UpstartPS contributors'
    CompanyName          = 'UpstartPS'
    Copyright            = '(c) UpstartPS contributors. All rights reserved.'
    Description          = 'Manage an UpstartPS daemon (Upstart 1.13 job model for any Linux box): list, start, stop, restart and reload jobs, read and change their environment, send and watch events, follow logs and check job files, with objects that pipe, format and survive remoting.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('UpstartPS.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-UpstartJob'
        'Start-UpstartJob'
        'Stop-UpstartJob'
        'Restart-UpstartJob'
        'Update-UpstartJob'
        'Enable-UpstartJob'
        'Disable-UpstartJob'
        'Wait-UpstartJob'
        'Test-UpstartJob'
        'Send-UpstartEvent'
        'Watch-UpstartEvent'
        'Get-UpstartLog'
        'Get-UpstartJobConfiguration'
        'Update-UpstartConfiguration'
        'Test-UpstartJobFile'
        'Test-UpstartJobConfiguration'
        'Restart-UpstartDaemon'
        'Get-UpstartEnvironment'
        'Set-UpstartEnvironment'
        'Remove-UpstartEnvironment'
        'Reset-UpstartEnvironment'
        'Get-UpstartSession'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PSEdition_Core', 'Linux', 'Upstart', 'Supervisor', 'Init', 'Service', 'Jobs')
            ReleaseNotes = 'First release: jobs, events, logs, configuration checks and reloads, completion, help and remoting-friendly formats.'
        }
    }
}
