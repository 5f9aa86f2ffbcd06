# Restart-UpstartDaemon against a real session daemon: the stateful re-exec keeps every job, -WhatIf
# changes nothing, and a daemon that is not there terminates the command.

Describe 'Restart-UpstartDaemon' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs sleeper "exec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
        $daemonLog = { $daemon.Fixture.DaemonOutput }
        Start-UpstartJob sleeper
    }

    AfterAll {
        Stop-UpstartTestSession $daemon
    }

    It 'changes nothing with -WhatIf' {
        $before = (Get-UpstartJob sleeper).MainPid
        $result = Restart-UpstartDaemon -WhatIf
        $result | Should -BeNullOrEmpty
        & $daemonLog | Should -Not -Match 'Re-executing'
        (Get-UpstartJob sleeper).MainPid | Should -Be $before
    }

    It 're-execs in place: the running job keeps its pid, and -PassThru names the same daemon process' {
        $before = Get-UpstartJob sleeper
        $before.State | Should -Be 'running'

        $answered = Restart-UpstartDaemon -Confirm:$false -PassThru -Timeout 30

        $answered.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartDaemon'
        $answered.ProcessId | Should -Be $daemon.Process.Id
        $answered.Mode | Should -Be 'session'
        $answered.SocketPath | Should -Be $daemon.Socket
        $answered.Version | Should -Not -BeNullOrEmpty
        # The new program says it resumed what the old one handed over (and so it was a real exec).
        Wait-UpstartTestCondition { (& $daemonLog) -match 'Re-executed: 1 instances resumed, 1 processes kept' }
        $after = Get-UpstartJob sleeper
        $after.State | Should -Be 'running'
        $after.MainPid | Should -Be $before.MainPid
    }

    It 'shows the whole version in the default table, even 80 columns wide' {
        # The version is why one asks for -PassThru after an upgrade; a 10-column Version printed "init (ups…".
        $answered = Restart-UpstartDaemon -Confirm:$false -PassThru -Timeout 30
        $answered.Version | Should -Match '^init \(upstart [^)]+\) upstartps \S+$'
        $lines = $answered | Out-String -Stream -Width 80 | Where-Object { $_ -match '\S' }
        $lines[0] | Should -Match '^Version\s+Mode\s+ProcessId\s+SocketPath$'
        $lines[2] | Should -Match ('^' + [regex]::Escape($answered.Version) + '\s+session\s+' + $answered.ProcessId + '\b')
    }

    It 'terminates with DaemonNotRunning when no daemon listens' {
        $nowhere = Join-Path $TestDrive 'nobody-listens.sock'
        { Restart-UpstartDaemon -SocketPath $nowhere -Confirm:$false } |
            Should -Throw -ErrorId 'DaemonNotRunning,UpstartPS.Commands.RestartUpstartDaemonCommand'
    }
}

# The streams a re-exec used to cut ("connection closed"): the old program ends each with a resume point and
# the module's client carries on with the new program from there (docs/protocol.md, "Streams"). Each stream
# runs in a thread job, proven live on the old program before the restart, and ends by itself afterwards.

Describe 'Streams across Restart-UpstartDaemon' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        # Writes 1, 2, 3… a few every 100 ms: a gap or a repeat in what a follower reads shows.
        New-UpstartTestJob $jobs counter "console log`nexec sh -c 'i=0; while true; do i=`$((i+1)); echo `$i; sleep 0.03; done'" | Out-Null
        $modulePath = Get-UpstartTestModulePath
        Import-Module $modulePath -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
        $daemonLog = { $daemon.Fixture.DaemonOutput }
        $reExecs = { @((& $daemonLog) -split "`n" | Where-Object { $_ -match 'Re-executed:' }).Count }

        function Get-CounterWritten {
            # The last number the counter has written whole to its log file, read from the file.
            $path = Join-Path $daemon.LogDirectory 'counter.log'
            if (-not (Test-Path -LiteralPath $path)) { return 0 }
            # What follows the last newline is a number still being written.
            $whole = @([IO.File]::ReadAllText($path) -split "`n" | Select-Object -SkipLast 1 | ForEach-Object { $_.TrimEnd("`r") })
            if ($whole.Count -eq 0) { return 0 }
            [int]$whole[-1]
        }

        function Restart-TestDaemon {
            # Returns once the new program answers; its log then says it took over what the old one handed on.
            $before = & $reExecs
            Restart-UpstartDaemon -Confirm:$false -Timeout 30
            Wait-UpstartTestCondition { (& $reExecs) -eq $before + 1 }
        }
    }

    AfterAll {
        Get-Job -Name 'reexec-*' -ErrorAction SilentlyContinue | Remove-Job -Force
        Stop-UpstartTestSession $daemon
    }

    It 'Watch-UpstartEvent receives an event emitted after Restart-UpstartDaemon, after one emitted before it' {
        Send-UpstartEvent -Name before-restart
        # With -IncludeHistory the watch starts with before-restart whenever it subscribes: once that is out, the
        # watch is live on the old program. The pipeline then holds, as a slow one would, so the watch comes back
        # to the new program only after after-restart was published there: only the new program's replay of what
        # it published since it started brings it. -Count 2 ends the watch with it.
        $reading = [Threading.ManualResetEventSlim]::new($false)
        try {
            $watcher = Start-ThreadJob -Name 'reexec-watch' -ScriptBlock {
                Import-Module $using:modulePath
                $reading = $using:reading
                Watch-UpstartEvent -Name before-restart, after-restart -IncludeHistory -Count 2 -Timeout 60 |
                    ForEach-Object { $_; if ($_.Name -eq 'before-restart') { $null = $reading.Wait([TimeSpan]::FromSeconds(60)) } }
            }
            $seen = [Collections.Generic.List[object]]::new()
            Wait-UpstartTestCondition { $seen.AddRange(@(Receive-Job $watcher)); $seen.Count -ge 1 } -TimeoutSeconds 30
            $seen.Name | Should -Be 'before-restart'

            Restart-TestDaemon
            Send-UpstartEvent -Name after-restart
            $reading.Set()
            $seen.AddRange(@(Receive-UpstartTestJob $watcher -TimeoutSeconds 30 -ErrorVariable watchErrors))
        }
        finally {
            $reading.Set()
        }

        $watchErrors | Should -BeNullOrEmpty
        $seen.Name | Should -Be @('before-restart', 'after-restart')
        & $daemonLog | Should -Not -Match 'did not take their last lines in time'
    }

    It 'Get-UpstartLog -Wait of a counter carries on across Restart-UpstartDaemon with every number once' {
        Start-UpstartJob counter
        Wait-UpstartTestCondition { (Get-CounterWritten) -ge 1 }
        # The follower records every line; it ends by itself at the first line numbered past $stop.After.
        $lines = [Collections.Concurrent.ConcurrentQueue[string]]::new()
        $stop = [hashtable]::Synchronized(@{ After = [int]::MaxValue })
        $follower = Start-ThreadJob -Name 'reexec-log' -ScriptBlock {
            Import-Module $using:modulePath
            $lines = $using:lines
            $stop = $using:stop
            Get-UpstartLog -Name counter -Tail 1 -Wait |
                ForEach-Object { $lines.Enqueue($_.Line); $_ } |
                Where-Object { [int]$_.Line -gt $stop.After } |
                Select-Object -First 1
        }
        Wait-UpstartTestCondition { $lines.Count -ge 3 } -TimeoutSeconds 30

        Restart-TestDaemon
        # Any number past what the log holds now is written by the counter after the new program answered.
        $stop.After = Get-CounterWritten
        $last = Receive-UpstartTestJob $follower -TimeoutSeconds 30 -ErrorVariable followErrors

        $followErrors | Should -BeNullOrEmpty
        [int]$last.Line | Should -BeGreaterThan $stop.After
        $numbers = @($lines.ToArray() | ForEach-Object { [int]$_ })
        # As text, so a failure shows the whole run and where it broke.
        ($numbers -join ' ') | Should -Be (@($numbers[0]..($numbers[0] + $numbers.Count - 1)) -join ' ')
        & $daemonLog | Should -Not -Match 'did not take their last lines in time'
    }
}
