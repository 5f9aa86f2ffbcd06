# Finding the daemon, failing clearly when it is away, completion, and formats (local and deserialized).

Describe 'Reaching the daemon' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        Import-Module (Get-UpstartTestModulePath) -Force
        $nowhere = Join-Path $TestDrive 'nobody-listens.sock'
    }

    AfterAll {
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'terminates with DaemonNotRunning and says how to start one' {
        { Get-UpstartJob -SocketPath $nowhere } | Should -Throw -ErrorId 'DaemonNotRunning,UpstartPS.Commands.GetUpstartJobCommand'
        try { Get-UpstartJob -SocketPath $nowhere } catch { $record = $_ }
        $record.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $record.Exception.Message | Should -Match ([regex]::Escape($nowhere))
        $record.Exception.Message | Should -Match 'upstart-host --session'
    }

    It 'terminates even for a cmdlet that writes errors per job' {
        { 'a', 'b' | Stop-UpstartJob -SocketPath $nowhere -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'DaemonNotRunning,UpstartPS.Commands.StopUpstartJobCommand'
    }

    It 'reads the socket from UPSTARTPS_SOCKET' {
        $saved = $env:UPSTARTPS_SOCKET
        try {
            $env:UPSTARTPS_SOCKET = $nowhere
            { Get-UpstartJob } | Should -Throw -ExpectedMessage "*$nowhere*"
        }
        finally { $env:UPSTARTPS_SOCKET = $saved }
    }

    It 'refuses a socket that is not a daemon' {
        $notASocket = Join-Path $TestDrive 'plain-file'
        Set-Content -LiteralPath $notASocket -Value 'x'
        { Get-UpstartJob -SocketPath $notASocket } | Should -Throw -ErrorId '*,UpstartPS.Commands.GetUpstartJobCommand'
    }

    It 'says that <Kind> given as the socket is not a socket' -ForEach @(
        @{ Kind = 'a regular file' }
        @{ Kind = 'a directory' }) {
        $path = Join-Path $TestDrive ('not-a-socket-' + ($Kind -replace ' ', '-'))
        if ($Kind -eq 'a directory') { $null = New-Item -ItemType Directory -Path $path -Force } else { Set-Content -LiteralPath $path -Value 'x' }
        try { Get-UpstartJob -SocketPath $path } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -Be 'DaemonNotReachable,UpstartPS.Commands.GetUpstartJobCommand'
        $record.Exception.Message | Should -Match ([regex]::Escape("'$path' is $Kind, not a socket"))
        $record.Exception.Message | Should -Not -Match 'nobody is listening'
    }

    # A path any user may take first (/tmp/upstartps-UID without $XDG_RUNTIME_DIR): another user's listener there must
    # get nothing from the module, not a start with its variables (docs/protocol.md, "Connecting").
    It 'refuses a listener that runs as another user with DaemonNotTrusted, and sends it nothing' -Skip:(-not $IsLinux -or (id -u) -ne '0') {
        $user = 'upstartps-test'
        if (-not (id -u $user 2>$null)) { useradd -r -M -s /usr/sbin/nologin $user }
        $uid = "$(id -u $user)"
        $dir = Join-Path '/tmp' ('ups-trap-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Path $dir
        chmod 777 $dir
        $path = Join-Path $dir 'control.sock'
        # Binds, says ready, then prints how many bytes the one client sent before it went (or 10 s passed).
        $trap = 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); print("ready", flush=True); ' +
            'c,_=s.accept(); c.settimeout(10); n=0' + "`n" +
            'try:' + "`n" + '  while (b := c.recv(65536)): n += len(b)' + "`n" + 'except OSError: pass' + "`n" + 'print(n, flush=True)'
        $start = [Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in @('--reuid', $user, '--regid', $user, '--clear-groups', '/usr/bin/python3', '-c', $trap, $path)) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $listener = [Diagnostics.Process]::Start($start)
        try {
            $listener.StandardOutput.ReadLine() | Should -Be 'ready'

            try { Start-UpstartJob -Name web -Environment 'TOKEN=secret' -SocketPath $path } catch { $record = $_ }

            $record.FullyQualifiedErrorId | Should -Be 'DaemonNotTrusted,UpstartPS.Commands.StartUpstartJobCommand'
            $record.CategoryInfo.Category | Should -Be 'SecurityError'
            $record.Exception.Message | Should -Match "runs as uid $uid, neither root nor you"
            $record.Exception.Message | Should -Not -Match 'Start a session daemon'
            $listener.StandardOutput.ReadLine() | Should -Be '0'
        }
        finally {
            if (-not $listener.WaitForExit(10000)) { $listener.Kill($true) }
            $listener.Dispose()
            Remove-Item -LiteralPath $dir -Recurse -Force
        }
    }
}

Describe 'A daemon that shuts down under a long-running command' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs ticker "exec sh -c 'while :; do echo tick; sleep 0.2; done'" | Out-Null
        $modulePath = Get-UpstartTestModulePath
        Import-Module $modulePath -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
        Start-UpstartJob -Name ticker
    }

    AfterAll {
        Stop-UpstartTestSession $daemon
    }

    It 'ends Get-UpstartLog -Wait with DaemonShuttingDown, not as if the log had simply ended' {
        $follower = Start-ThreadJob -ScriptBlock {
            Import-Module $using:modulePath
            try { Get-UpstartLog -Name ticker -Tail 0 -Wait } catch { 'stopped by ' + $_.FullyQualifiedErrorId }
        }
        try {
            Wait-UpstartTestCondition { $follower.Output.Count -gt 0 -or -not (Test-UpstartTestJobPending $follower) } -TimeoutSeconds 20
            $follower.Output[0].Line | Should -Be 'tick'

            # SIGTERM: the daemon stops its jobs and closes every connection, telling each request why.
            Stop-UpstartTestDaemon $daemon

            $null = Wait-Job -Job $follower -Timeout 20
            $follower.State | Should -Be 'Completed'
            $follower.Output[$follower.Output.Count - 1] | Should -Be 'stopped by DaemonShuttingDown,UpstartPS.Commands.GetUpstartLogCommand'
        }
        finally {
            Stop-Job -Job $follower
            Remove-Job -Job $follower -Force
        }
    }
}

Describe '-SocketPath is a PowerShell path' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs only "exec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'resolves a relative -SocketPath against the PowerShell location, not the process''s' {
        Push-Location -LiteralPath (Split-Path $daemon.Socket)
        try {
            [Environment]::CurrentDirectory | Should -Not -Be (Get-Location).ProviderPath
            (Get-UpstartJob -SocketPath ./control.sock -ErrorAction Stop).Name | Should -Be 'only'
        }
        finally { Pop-Location }
    }

    It 'resolves a -SocketPath on a PowerShell drive' {
        $null = New-PSDrive -Name upsock -PSProvider FileSystem -Root (Split-Path $daemon.Socket)
        try { (Get-UpstartJob -SocketPath upsock:/control.sock -ErrorAction Stop).Name | Should -Be 'only' }
        finally { Remove-PSDrive -Name upsock }
    }
}

Describe 'A pipeline that pauses longer than the daemon''s idle timeout' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs first "exec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs second "exec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs -ControlIdleTimeoutSeconds 1
        # The daemon logs each connection it closes as idle (ControlConnection: "idle for 1 s").
        $idleCloses = {
            @($daemon.Fixture.DaemonOutput -split "`n" | Select-String -Pattern 'idle for 1 s' -SimpleMatch).Count
        }
    }

    AfterAll {
        Stop-UpstartTestSession $daemon
    }

    It 'connects again for the next item once the daemon has closed the idle connection' {
        $closedBefore = & $idleCloses
        $started = 'first', 'second' | ForEach-Object -Begin { $seen = 0 } -Process {
            if ($seen++ -gt 0) {
                # Start-UpstartJob's connection has had nothing in flight since the first item: wait for the
                # daemon to close it, so the second item meets a closed connection.
                Wait-UpstartTestCondition { (& $idleCloses) -gt $closedBefore } -TimeoutSeconds 20
            }
            $_
        } | Start-UpstartJob -PassThru

        $started.Name | Should -Be @('first', 'second')
        (Get-UpstartJob -Name first, second).State | Should -Be @('running', 'running')
    }
}

Describe 'Completion and formats' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs sleeper "description `"sleeps`"`nemits sleepy-event`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs slumber "exec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs waiter "start on deploy-finished or (started sleeper and custom-signal COLOUR=blue)`nstop on shutdown-requested`nexec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
        Start-UpstartJob -Name sleeper
    }

    AfterAll {
        Stop-UpstartTestSession $daemon
    }

    # A user's own session daemon is found by itself; root talks to the system daemon (as initctl does)
    # unless UPSTART_SESSION names a session, so each runs where it applies.
    It 'finds the session daemon by itself when nothing names a socket' -Skip:(-not $IsLinux -or (id -u) -eq '0') {
        $saved = $env:UPSTARTPS_SOCKET
        try {
            $env:UPSTARTPS_SOCKET = $null
            (Get-UpstartJob -Name sleeper).State | Should -Be 'running'
        }
        finally { $env:UPSTARTPS_SOCKET = $saved }
    }

    It 'as root, talks to a session daemon only when UPSTART_SESSION names it' -Skip:(-not $IsLinux -or (id -u) -ne '0') {
        $saved = $env:UPSTARTPS_SOCKET, $env:UPSTART_SESSION
        try {
            $env:UPSTARTPS_SOCKET = $null
            $env:UPSTART_SESSION = "unix:path=$($daemon.Socket)"
            (Get-UpstartJob -Name sleeper).State | Should -Be 'running'

            $env:UPSTART_SESSION = $null
            if (-not (Test-Path /run/upstartps/control.sock)) {
                $message = try { Get-UpstartJob -Name sleeper -ErrorAction Stop; '' } catch { $_.Exception.Message }
                $message | Should -Match ([regex]::Escape("'/run/upstartps/control.sock'"))
                $message | Should -Not -Match ([regex]::Escape($daemon.Socket))
            }
        }
        finally { $env:UPSTARTPS_SOCKET, $env:UPSTART_SESSION = $saved }
    }

    It 'completes job names' {
        $line = 'Start-UpstartJob -Name sl'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'sleeper'
        $completions | Should -Contain 'slumber'
    }

    It 'completes event names, including the ones jobs emit' {
        $line = 'Send-UpstartEvent -Name s'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'started'
        $completions | Should -Contain 'sleepy-event'
    }

    It 'completes event names that jobs wait for in start on and stop on, but not their arguments' {
        $line = 'Send-UpstartEvent -Name '
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'deploy-finished'
        $completions | Should -Contain 'custom-signal'
        $completions | Should -Contain 'shutdown-requested'
        $completions | Should -Not -Contain 'COLOUR=blue'
        $completions | Should -Not -Contain 'sleeper'
    }

    It 'completes states' {
        $line = 'Get-UpstartJob -State ru'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'running'
    }

    It 'formats jobs as a table by default' {
        $table = Get-UpstartJob | Out-String
        $table | Should -Match 'Name\s+Instance\s+Goal\s+State\s+ProcessId'
        $table | Should -Match 'sleeper'
    }

    It 'formats jobs as a list' {
        $list = Get-UpstartJob sleeper | Format-List | Out-String
        $list | Should -Match 'MainPid\s+:\s+\d+'
        $list | Should -Match 'ConfigurationChanged'
    }

    It 'formats deserialized jobs, as remoting returns them, with the same views' {
        $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-UpstartJob)))
        $remote[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.UpstartPS.UpstartJob'
        ($remote | Format-Table | Out-String) | Should -Match 'Name\s+Instance\s+Goal\s+State\s+ProcessId'
        ($remote | Format-List | Out-String) | Should -Match 'ConfigurationChanged'
    }

    It 'filters deserialized jobs by state string' {
        $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-UpstartJob)))
        ($remote | Where-Object State -eq 'running').Name | Should -Be 'sleeper'
    }

    It 'formats deserialized events with their time' {
        $events = Watch-UpstartEvent -IncludeHistory -Timeout 1
        $events | Should -Not -BeNullOrEmpty
        $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($events))
        ($remote | Format-Table | Out-String) | Should -Match '\d{2}:\d{2}:\d{2}\.\d{3}'
    }

    It 'shows events at 80 columns with an Instance column and room for the environment' {
        Send-UpstartEvent -Name fmt-check -Environment 'SIZE=9', 'TINT=x'
        $events = Watch-UpstartEvent -IncludeHistory -Name fmt-check -Timeout 1
        $lines = $events | Format-Table | Out-String -Stream -Width 80 | Where-Object { $_ -match '\S' }
        $lines[0] | Should -Match '^Time\s+Kind\s+Name\s+Job\s+Instance\s+State\s+Environment$'
        $lines[2] | Should -Match 'fmt-check\s+SIZE=9 TINT=x$'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }

    It 'converts jobs to JSON for other tools' {
        $json = Get-UpstartJob sleeper | ConvertTo-Json | ConvertFrom-Json
        $json.State | Should -Be 'running'
        $json.MainPid | Should -BeGreaterThan 0
    }

    It 'sorts jobs by name' {
        $names = (Get-UpstartJob | Sort-Object).Name
        $names | Should -Be ($names | Sort-Object)
    }
}
