# Events and logs against a real session daemon: Send-UpstartEvent, Watch-UpstartEvent, Get-UpstartLog.

Describe 'Event and log cmdlets' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs on-deploy "start on deploy`ntask`nexec sh -c 'echo deployed `$VERSION to `$SLOT'" | Out-Null
        New-UpstartTestJob $jobs talker "exec sh -c 'echo hello from talker; sleep 3600'" | Out-Null
        New-UpstartTestJob $jobs chatter "exec sh -c 'echo first; sleep 1; echo second; sleep 3600'" | Out-Null
        New-UpstartTestJob $jobs ping "exec sh -c 'echo ping-1; sleep 2; echo ping-2; sleep 3600'" | Out-Null
        New-UpstartTestJob $jobs pong "exec sh -c 'sleep 1; echo pong-1; sleep 3600'" | Out-Null
        New-UpstartTestJob $jobs doomed "start on doom`ntask`nexec false" | Out-Null
        New-UpstartTestJob $jobs numbered "instance `$NAME`nexec sh -c 'echo worker `$NAME here; sleep 3600'" | Out-Null
        $modulePath = Get-UpstartTestModulePath
        Import-Module $modulePath -Force
        Register-UpstartShouldOperator
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
    }

    AfterAll {
        Stop-UpstartTestSession $daemon
    }

    Context 'Send-UpstartEvent' {
        It 'emits an event with a hashtable environment and waits for the job it starts' {
            Send-UpstartEvent -Name deploy -Environment @{ VERSION = '1.4.2'; SLOT = 'blue' }
            Wait-UpstartTestCondition { (Get-UpstartLog -Name on-deploy -Tail 5).Line -contains 'deployed 1.4.2 to blue' }
            Get-UpstartJob on-deploy | Should -BeInState waiting
        }

        It 'takes KEY=VALUE strings and writes the event with -PassThru' {
            $sent = Send-UpstartEvent deploy 'VERSION=2.0', 'SLOT=green' -PassThru
            $sent.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartEvent'
            $sent.Name | Should -Be 'deploy'
            $sent.Environment | Should -Be @('VERSION=2.0', 'SLOT=green')
        }

        It 'sends nothing with -WhatIf' {
            $before = @(Get-UpstartLog -Name on-deploy -Tail 100).Count
            Send-UpstartEvent -Name deploy -Environment 'VERSION=whatif' -WhatIf
            Start-Sleep -Milliseconds 500
            (Get-UpstartLog -Name on-deploy -Tail 100).Line | Should -Not -Contain 'deployed whatif to '
            @(Get-UpstartLog -Name on-deploy -Tail 100).Count | Should -Be $before
        }

        It 'writes EventFailed when a job the event started fails' {
            Send-UpstartEvent -Name doom -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'EventFailed,UpstartPS.Commands.SendUpstartEventCommand'
        }

        It 'returns at once with -NoWait' {
            Send-UpstartEvent -Name doom -NoWait -ErrorVariable err
            $err | Should -BeNullOrEmpty
        }

        It 'writes InvalidEnvironment for a malformed entry' {
            Send-UpstartEvent -Name deploy -Environment '=oops' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidEnvironment,UpstartPS.Commands.SendUpstartEventCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
    }

    Context 'Watch-UpstartEvent' {
        It 'writes live events until -Count' {
            $watcher = Start-ThreadJob -ScriptBlock {
                Import-Module $using:modulePath
                Watch-UpstartEvent -Name deploy -Count 1 -Timeout 30
            }
            # The watcher subscribes asynchronously: keep emitting until it has seen one.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Test-UpstartTestJobPending $watcher) -and [DateTime]::UtcNow -lt $deadline) {
                Send-UpstartEvent -Name deploy -Environment 'VERSION=watched', 'SLOT=x' -NoWait
                Start-Sleep -Milliseconds 200
            }
            $seen = Receive-UpstartTestJob $watcher -TimeoutSeconds 10
            $seen | Should -HaveCount 1
            $seen.Name | Should -Be 'deploy'
            $seen.Environment | Should -Contain 'VERSION=watched'
        }

        It 'ends quietly at -Timeout' {
            $elapsed = Measure-Command { Watch-UpstartEvent -Name 'never-emitted' -Timeout 1 -ErrorVariable err }
            $err | Should -BeNullOrEmpty
            $elapsed.TotalSeconds | Should -BeLessThan 10
        }

        It 'replays recent events with -IncludeHistory' {
            $history = Watch-UpstartEvent -IncludeHistory -Name deploy -Timeout 2
            $history.Environment | Should -Contain 'VERSION=1.4.2'
        }

        It 'writes only the events of one job with -Job' {
            Start-UpstartJob -Name talker
            $events = Watch-UpstartEvent -IncludeHistory -Job talker -Timeout 2
            $events.Name | Should -Contain 'starting'
            $events.Name | Should -Contain 'started'
            $events | ForEach-Object { $_.Environment } | Where-Object { $_ -like 'JOB=*' } | Sort-Object -Unique | Should -Be 'JOB=talker'
        }

        It 'shows the instance on the goal row that creates an instance, in the table too' {
            $watcher = Start-ThreadJob -ScriptBlock {
                Import-Module $using:modulePath
                Watch-UpstartEvent -Job numbered -Timeout 30 | Where-Object Kind -eq 'goal' | Select-Object -First 1
            }
            # The watcher subscribes asynchronously: create the instance afresh until it has seen a goal change.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Test-UpstartTestJobPending $watcher) -and [DateTime]::UtcNow -lt $deadline) {
                Start-UpstartJob -Name numbered -Environment 'NAME=fmt'
                Stop-UpstartJob -Name numbered -Instance fmt
                Start-Sleep -Milliseconds 200
            }
            $goal = Receive-UpstartTestJob $watcher -TimeoutSeconds 10
            $goal.Job | Should -Be 'numbered'
            $goal.Instance | Should -Be 'fmt'
            $goal.Goal | Should -Be 'start'
            # The default table's Instance column: it showed a goal row's instance only when an event carried INSTANCE=.
            $row = ($goal | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_ -match '^\S+\s+goal\s' }
            $row | Should -HaveCount 1
            $row | Should -Match '^\S+\s+goal\s+numbered\s+numbered\s+fmt\s+waiting\s*$'
        }
    }

    Context 'Get-UpstartLog' {
        BeforeAll {
            Start-UpstartJob -Name talker, chatter
            Wait-UpstartTestCondition { (Get-UpstartLog chatter -Tail 10).Line -contains 'second' }
        }

        It 'writes log lines as objects with time, job, instance and line' {
            $line = Get-UpstartLog -Name talker -Tail 1
            $line.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartLogLine'
            $line.Line | Should -Be 'hello from talker'
            $line.Job | Should -Be 'talker'
            $line.Instance | Should -Be ''
            $line.Time | Should -BeOfType [datetime]
        }

        It 'honours -Tail' {
            (Get-UpstartLog -Name chatter -Tail 1).Line | Should -Be 'second'
            (Get-UpstartLog -Name chatter -Tail 2).Line | Should -Be @('first', 'second')
        }

        It 'reads several jobs into one stream in time order' {
            $lines = Get-UpstartLog -Name talker, chatter -Tail 10
            $lines.Job | Sort-Object -Unique | Should -Be @('chatter', 'talker')
            $times = $lines.Time
            ($times | Sort-Object) | Should -Be $times
        }

        It 'stamps each line with the time it was written, not read' {
            $lines = Get-UpstartLog -Name chatter -Tail 2
            ($lines[1].Time - $lines[0].Time).TotalSeconds | Should -BeGreaterOrEqual 0.9
        }

        It 'merges several logs in the order their lines were written' {
            Start-UpstartJob -Name ping, pong
            Wait-UpstartTestCondition { @(Get-UpstartLog ping -Tail 5 | Where-Object Line -eq 'ping-2').Count -gt 0 } -TimeoutSeconds 15
            (Get-UpstartLog -Name pong, ping -Tail 10).Line | Should -Be @('ping-1', 'pong-1', 'ping-2')
        }

        It 'takes jobs from the pipeline' {
            (Get-UpstartJob talker | Get-UpstartLog -Tail 1).Line | Should -Be 'hello from talker'
        }

        It 'leaves out the logs of the jobs -Exclude matches' {
            (Get-UpstartLog -Name talker, chatter -Exclude 'chat*' -Tail 10).Job | Sort-Object -Unique | Should -Be 'talker'
        }

        It 'filters jobs from the pipeline with -Include, folding case as -Name does' {
            (Get-UpstartJob talker, chatter | Get-UpstartLog -Include 'TALKER' -Tail 10).Job | Sort-Object -Unique | Should -Be 'talker'
        }

        It 'follows a log with -Wait until the pipeline stops it' {
            $follower = Start-ThreadJob -ScriptBlock {
                Import-Module $using:modulePath
                Get-UpstartLog -Name on-deploy -Tail 0 -Wait | Select-Object -First 1
            }
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Test-UpstartTestJobPending $follower) -and [DateTime]::UtcNow -lt $deadline) {
                Send-UpstartEvent -Name deploy -Environment 'VERSION=followed', 'SLOT=y'
                Start-Sleep -Milliseconds 200
            }
            $line = Receive-UpstartTestJob $follower -TimeoutSeconds 10
            $line.Line | Should -Be 'deployed followed to y'
        }

        It 'reads the log of an instance that has stopped' {
            Start-UpstartJob -Name numbered -Environment 'NAME=w2'
            Wait-UpstartTestCondition { (Get-UpstartLog numbered -Instance w2 -Tail 1).Line -eq 'worker w2 here' }
            Stop-UpstartJob -Name numbered -Instance w2
            Get-UpstartJob numbered -Instance w2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $line = Get-UpstartLog numbered -Instance w2 -Tail 1 -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $line.Line | Should -Be 'worker w2 here'
            $line.Instance | Should -Be 'w2'
        }

        It 'formats log lines as a table' {
            $table = Get-UpstartLog -Name talker -Tail 1 | Format-Table | Out-String
            $table | Should -Match 'Job'
            $table | Should -Match 'hello from talker'
        }
    }
}
