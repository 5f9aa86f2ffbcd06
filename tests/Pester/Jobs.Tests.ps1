# The job cmdlets against a real session daemon: selection, lifecycle, pipeline, -WhatIf, errors.

Describe 'Job cmdlets' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs sleeper "description `"sleeps`"`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs web "exec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs web-admin "exec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs chained "start on started sleeper`nstop on stopping sleeper`nexec sleep 3600" | Out-Null
        # Used by one test only: a stop of `chained` elsewhere must not decide whether it starts here.
        New-UpstartTestJob $jobs leader "exec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs follower "start on started leader`nstop on stopping leader`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs tty "instance `$TTY`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs worker "instance `$NAME`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs slow "pre-start exec sleep 3`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs exit7 "task`nexec sh -c 'exit 7'" | Out-Null
        New-UpstartTestJob $jobs failing "exec /nonexistent/upstartps-test-binary" | Out-Null
        New-UpstartTestJob $jobs hupper "exec sh -c 'trap `"echo reloaded`" HUP; echo ready; while true; do sleep 1; done'" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        Register-UpstartShouldOperator
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs

        function Reset-Jobs {
            Get-UpstartJob | Where-Object Disabled | Enable-UpstartJob
            Get-UpstartJob | Where-Object Goal -eq 'start' | Stop-UpstartJob -Timeout 20
        }
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    Context 'Get-UpstartJob' {
        It 'returns every job as an UpstartJob with string goal and state' {
            $all = Get-UpstartJob
            $all.Name | Should -Contain 'sleeper'
            $all.Name | Should -Contain 'web-admin'
            $sleeper = $all | Where-Object Name -eq 'sleeper'
            $sleeper.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartJob'
            $sleeper.Goal | Should -BeOfType [string]
            $sleeper.State | Should -Be 'waiting'
            $sleeper.Description | Should -Be 'sleeps'
            $sleeper.ConfigPath | Should -Be (Join-Path $jobs 'sleeper.conf')
        }

        It 'selects by wildcard' {
            (Get-UpstartJob -Name web*).Name | Sort-Object | Should -Be @('web', 'web-admin')
        }

        It 'is silent when a wildcard matches nothing' {
            $result = Get-UpstartJob -Name 'nothing*' -ErrorVariable err
            $result | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }

        It 'writes NoJobFoundForGivenName for a literal name and goes on' {
            $result = Get-UpstartJob -Name ghost, web -ErrorVariable err -ErrorAction SilentlyContinue
            $result.Name | Should -Be 'web'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NoJobFoundForGivenName,UpstartPS.Commands.GetUpstartJobCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'ghost'
            $err[0].Exception.JobName | Should -Be 'ghost'
        }

        It 'takes names from the pipeline' {
            ('web', 'sleeper' | Get-UpstartJob).Name | Should -Be @('web', 'sleeper')
        }

        It 'filters by state' {
            Get-UpstartJob -State running | Should -BeNullOrEmpty
            (Get-UpstartJob -State waiting).Name | Should -Contain 'web'
        }

        It 'works with Where-Object on the state string' {
            (Get-UpstartJob | Where-Object State -eq 'waiting').Name | Should -Contain 'sleeper'
        }

        It 'gets every job but those -Exclude matches when no -Name is given' {
            $all = (Get-UpstartJob).Name | Sort-Object -Unique
            $rest = (Get-UpstartJob -Exclude 'web*', 'tty').Name | Sort-Object -Unique
            $rest | Should -Be @($all | Where-Object { $_ -notlike 'web*' -and $_ -ne 'tty' })
            $rest | Should -Contain 'sleeper'
        }

        It 'keeps only what -Include matches of what -Name selected, folding case as -Name does' {
            (Get-UpstartJob -Name web*, sleeper, worker -Include '*ADMIN', 'Sleeper').Name | Sort-Object | Should -Be @('sleeper', 'web-admin')
        }

        It 'leaves out what -Exclude matches even when -Include matches it too' {
            (Get-UpstartJob -Name * -Include 'web*' -Exclude 'web').Name | Should -Be 'web-admin'
        }

        It 'is silent when -Exclude leaves out a job -Name names literally' {
            $result = Get-UpstartJob -Name web, ghost -Exclude web -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].TargetObject | Should -Be 'ghost'
        }

        It 'matches -Include and -Exclude against the job name, not the instance' {
            Start-UpstartJob -Name worker -Environment 'NAME=inc-a'
            try {
                (Get-UpstartJob worker -Exclude 'inc-a').Instance | Should -Be 'inc-a'
                Get-UpstartJob worker -Include 'inc-a' | Should -BeNullOrEmpty
                Get-UpstartJob -Include 'worker' -Instance 'inc-a' | Should -HaveCount 1
            }
            finally { Stop-UpstartJob -Name worker }
        }

        It 'completes -Include and -Exclude with job names' {
            foreach ($parameter in 'Include', 'Exclude') {
                $line = "Get-UpstartJob -$parameter web-a"
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'web-admin'
            }
        }
    }

    Context 'Start-UpstartJob and Stop-UpstartJob' {
        AfterEach { Reset-Jobs }

        It 'starts a job and waits until it is running' {
            $job = Start-UpstartJob -Name web -PassThru
            $job.State | Should -Be 'running'
            $job.Goal | Should -Be 'start'
            $job.MainPid | Should -BeGreaterThan 0
            Test-UpstartJob web -State running | Should -BeTrue
            Get-UpstartJob web | Should -BeInState running
        }

        It 'says since when a job runs and since when it stopped, in local time, also in the list view' {
            $before = Get-Date
            $job = Start-UpstartJob -Name web -PassThru
            $after = Get-Date
            $job.Since | Should -BeOfType [datetime]
            $job.Since.Kind | Should -Be 'Local'
            $job.Since | Should -BeGreaterOrEqual $before
            $job.Since | Should -BeLessOrEqual $after
            (Get-UpstartJob web).Since | Should -Be $job.Since
            (Get-UpstartJob | Where-Object Since -ge $before).Name | Should -Contain 'web'
            (Get-UpstartJob web | Format-List | Out-String) | Should -Match "Since\s+: $([regex]::Escape($job.Since.ToString()))"

            $stopped = Stop-UpstartJob -Name web -PassThru
            $stopped.HasInstance | Should -BeFalse
            $stopped.Since | Should -BeGreaterOrEqual $job.Since
            (Get-UpstartJob web).Since | Should -Be $stopped.Since
        }

        It 'writes nothing without -PassThru' {
            Start-UpstartJob -Name web | Should -BeNullOrEmpty
        }

        It 'treats starting a running job as success' {
            Start-UpstartJob -Name web
            Start-UpstartJob -Name web -ErrorVariable err
            $err | Should -BeNullOrEmpty
        }

        It 'stops a job, and stopping a stopped job is success' {
            Start-UpstartJob -Name web
            (Stop-UpstartJob -Name web -PassThru).State | Should -Be 'waiting'
            Stop-UpstartJob -Name web -ErrorVariable err
            $err | Should -BeNullOrEmpty
        }

        It 'changes nothing with -WhatIf' {
            Start-UpstartJob -Name web -WhatIf
            (Get-UpstartJob web).State | Should -Be 'waiting'
        }

        It 'starts what Get-UpstartJob selects through the pipeline' {
            $started = Get-UpstartJob web* | Start-UpstartJob -PassThru
            $started | Should -HaveCount 2
            $started.State | Should -Be @('running', 'running')
        }

        It 'acts on every job a wildcard selects' {
            Start-UpstartJob -Name 'web*'
            Get-UpstartJob -Name web* | Should -HaveCount 2
            Get-UpstartJob -Name web* | Should -BeInState running
        }

        It 'takes objects with a Name property, as Import-Csv writes them' {
            $rows = 'Name', 'web', 'sleeper' | ConvertFrom-Csv
            ($rows | Start-UpstartJob -PassThru).Name | Should -Be @('web', 'sleeper')
        }

        It 'returns at once with -NoWait and Wait-UpstartJob waits' {
            Start-UpstartJob -Name web -NoWait
            (Wait-UpstartJob -Name web -State running -Timeout 10 -PassThru).State | Should -Be 'running'
        }

        It 'writes JobFailedToStart per job and goes on with the others' {
            $result = 'failing', 'web' | Start-UpstartJob -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
            $result.Name | Should -Be 'web'
            $err[0].FullyQualifiedErrorId | Should -Be 'JobFailedToStart,UpstartPS.Commands.StartUpstartJobCommand'
            $err[0].CategoryInfo.Category | Should -Be 'OpenError'
        }

        It 'says the time limit and the state reached when -Timeout runs out' {
            Start-UpstartJob -Name slow -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'OperationTimedOut,UpstartPS.Commands.StartUpstartJobCommand'
            $err[0].Exception.Message | Should -Be "'slow' did not start within 1 seconds; it is in state 'pre-start' (goal start)."
        }

        It 'says why a start failed, from the LastFailure the daemon keeps once the instance is gone' {
            Start-UpstartJob -Name exit7 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'JobFailedToStart,UpstartPS.Commands.StartUpstartJobCommand'
            $err[0].Exception.Message | Should -Be "'exit7': Job failed to start (main process: status 7)"
        }

        It 'writes NoJobFoundForGivenName for a missing job, terminating only with -ErrorAction Stop' {
            Start-UpstartJob -Name ghost -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'NoJobFoundForGivenName,UpstartPS.Commands.StartUpstartJobCommand'
            { Start-UpstartJob -Name ghost -ErrorAction Stop } | Should -Throw -ErrorId 'NoJobFoundForGivenName,UpstartPS.Commands.StartUpstartJobCommand'
        }

        It 'refuses a malformed environment before acting' {
            { Start-UpstartJob -Name web -Environment 'bad key=1' } | Should -Throw -ErrorId 'InvalidEnvironment,UpstartPS.Commands.StartUpstartJobCommand'
            (Get-UpstartJob web).State | Should -Be 'waiting'
        }

        It 'starts instances from strings or a hashtable and stops one of them' {
            Start-UpstartJob -Name tty -Environment 'TTY=tty1'
            Start-UpstartJob -Name tty -Environment @{ TTY = 'tty2' }
            (Get-UpstartJob tty).Instance | Sort-Object | Should -Be @('tty1', 'tty2')
            Get-UpstartJob tty -Instance tty2 | Stop-UpstartJob
            (Get-UpstartJob tty -State running).Instance | Should -Be 'tty1'
        }
    }

    Context 'The environment chooses the instance' {
        BeforeAll {
            function Get-StartingCount([string] $Instance) {
                # The daemon's history of `starting JOB=worker INSTANCE=…` events: one per start of that instance.
                @(Watch-UpstartEvent -IncludeHistory -Name starting -Job worker -Timeout 1 |
                    Where-Object { $_.Environment -contains "INSTANCE=$Instance" }).Count
            }
            function Get-ShouldProcessTargets([scriptblock] $Command) {
                # -Verbose makes ShouldProcess write one "Performing the operation" record per call it makes.
                @(& $Command 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Performing the operation*' } |
                    ForEach-Object { $_.Message })
            }
        }
        BeforeEach {
            foreach ($name in 'a1', 'a2', 'a3') { Start-UpstartJob -Name worker -Environment "NAME=$name" }
        }
        AfterEach { Reset-Jobs }

        It 'restarts only the instance -Environment selects, once, and names only it' {
            $before = Get-UpstartJob worker
            $starts = Get-StartingCount a1
            $calls = Get-ShouldProcessTargets { Restart-UpstartJob worker NAME=a1 -Verbose }
            $calls | Should -Be @('Performing the operation "Restart job" on target "worker (instance: a1)".')
            Get-StartingCount a1 | Should -Be ($starts + 1)
            $after = Get-UpstartJob worker
            ($after | Where-Object Instance -eq a1).MainPid | Should -Not -Be ($before | Where-Object Instance -eq a1).MainPid
            ($after | Where-Object Instance -ne a1).MainPid | Should -Be ($before | Where-Object Instance -ne a1).MainPid
        }

        It 'names only the selected instance with -WhatIf, and changes nothing' {
            $before = Get-UpstartJob worker
            $transcript = Join-Path $TestDrive 'whatif.txt'
            $null = Start-Transcript -LiteralPath $transcript
            try { Restart-UpstartJob worker NAME=a1 -WhatIf }
            finally { $null = Stop-Transcript }
            $lines = @(Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if:*' })
            $lines | Should -Be @('What if: Performing the operation "Restart job" on target "worker (instance: a1)".')
            (Get-UpstartJob worker).MainPid | Should -Be $before.MainPid
        }

        It 'starts the new instance -Environment names and writes only it' {
            Stop-UpstartJob worker -Instance a3
            $output = Start-UpstartJob worker NAME=a3 -PassThru -Verbose 4>&1
            $calls = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Performing the operation*' })
            $calls.Message | Should -Be @('Performing the operation "Start job" on target "worker (instance: a3)".')
            $started = @($output | Where-Object { $_.PSObject.TypeNames[0] -eq 'UpstartPS.UpstartJob' })
            $started.Instance | Should -Be @('a3')
            $started.State | Should -Be @('running')
        }

        It 'stops only the instance -Environment selects' {
            $calls = Get-ShouldProcessTargets { Stop-UpstartJob worker NAME=a2 -Verbose }
            $calls | Should -Be @('Performing the operation "Stop job" on target "worker (instance: a2)".')
            (Get-UpstartJob worker -State running).Instance | Sort-Object | Should -Be @('a1', 'a3')
        }

        It 'writes NoInstanceFoundForGivenName when -Environment names an instance that is not running, as upstartctl does' {
            $result = Stop-UpstartJob worker NAME=nosuch -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NoInstanceFoundForGivenName,UpstartPS.Commands.StopUpstartJobCommand'
            $err[0].Exception.Message | Should -Match 'Unknown instance: nosuch'
        }

        It 'answers Start-UpstartJob of an instance job without its variable as the daemon does (<Running> running)' -ForEach @(
            @{ Running = 'instances' }
            @{ Running = 'none' }) {
            if ($Running -eq 'none') { Stop-UpstartJob worker }
            Start-UpstartJob worker -PassThru -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'UnknownParameter,UpstartPS.Commands.StartUpstartJobCommand'
            $err[0].Exception.Message | Should -Match 'Unknown parameter: NAME'
        }

        It 'writes NoInstanceFoundForGivenName from <Command> for a literal -Instance the job does not have' -ForEach @(
            @{ Command = 'Get-UpstartJob' }
            @{ Command = 'Start-UpstartJob' }
            @{ Command = 'Restart-UpstartJob' }
            @{ Command = 'Stop-UpstartJob' }) {
            $result = & $Command -Name worker -Instance gamma -ErrorVariable err -ErrorAction SilentlyContinue
            $result | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "NoInstanceFoundForGivenName,UpstartPS.Commands.$($Command -replace '-')Command"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'gamma'
            $err[0].Exception.JobName | Should -Be 'worker'
            & $Command -Name worker -Instance gamma -ErrorAction SilentlyContinue
            $? | Should -BeFalse
        }

        It 'is silent when a wildcard -Instance matches nothing' {
            Get-UpstartJob worker -Instance 'zz*' -ErrorVariable err | Should -BeNullOrEmpty
            Stop-UpstartJob worker -Instance 'zz*' -ErrorVariable err2
            ($err.Count + $err2.Count) | Should -Be 0
            (Get-UpstartJob worker -State running) | Should -HaveCount 3
        }
    }

    Context 'Restart-UpstartJob' {
        AfterEach { Reset-Jobs }

        It 'restarts a running job with a new main process' {
            $before = Start-UpstartJob -Name web -PassThru
            $after = Restart-UpstartJob -Name web -PassThru
            $after.State | Should -Be 'running'
            $after.MainPid | Should -Not -Be $before.MainPid
        }

        It 'starts a job that was not running, as Restart-Service does' {
            (Restart-UpstartJob -Name web -PassThru).State | Should -Be 'running'
        }

        It 'changes nothing with -WhatIf' {
            $before = Start-UpstartJob -Name web -PassThru
            Restart-UpstartJob -Name web -WhatIf
            (Get-UpstartJob web).MainPid | Should -Be $before.MainPid
        }

        It 'restarts deserialized jobs, which bind by property name' {
            Start-UpstartJob -Name web
            $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-UpstartJob web)))
            $remote.PSObject.TypeNames[0] | Should -Be 'Deserialized.UpstartPS.UpstartJob'
            ($remote | Restart-UpstartJob -PassThru).State | Should -Be 'running'
        }
    }

    Context 'Update-UpstartJob' {
        AfterEach { Reset-Jobs }

        It 'sends a running job its reload signal' {
            Start-UpstartJob -Name hupper
            # Running means exec'd, not that the shell has set its trap yet: a HUP before it would kill it.
            Wait-UpstartTestCondition { (Get-UpstartLog hupper -Tail 20).Line -contains 'ready' }
            Update-UpstartJob -Name hupper -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Wait-UpstartTestCondition { (Get-UpstartLog hupper -Tail 20).Line -contains 'reloaded' }
        }

        It 'writes JobNotRunning for a stopped job' {
            Update-UpstartJob -Name web -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'JobNotRunning,UpstartPS.Commands.UpdateUpstartJobCommand'
        }
    }

    Context 'Disable-UpstartJob and Enable-UpstartJob' {
        AfterEach { Reset-Jobs }

        It 'disables a job so it cannot be started, then enables it again' {
            (Disable-UpstartJob -Name web -PassThru).Disabled | Should -BeTrue
            Start-UpstartJob -Name web -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -Not -BeNullOrEmpty
            (Get-UpstartJob web).State | Should -Be 'waiting'
            Test-UpstartJob web -Disabled $true | Should -BeTrue

            (Enable-UpstartJob -Name web -PassThru).Disabled | Should -BeFalse
            (Start-UpstartJob -Name web -PassThru).State | Should -Be 'running'
        }

        It 'refuses -Instance on <Command>, which acts on the whole job' -ForEach @(
            @{ Command = 'Disable-UpstartJob' }
            @{ Command = 'Enable-UpstartJob' }) {
            Start-UpstartJob -Name worker -Environment 'NAME=a1'
            { & $Command -Name worker -Instance a1 } | Should -Throw -ErrorId "InstanceNotApplicable,UpstartPS.Commands.$($Command -replace '-')Command"
            (Get-UpstartJob worker -Instance a1).Disabled | Should -BeFalse
        }

        It 'changes nothing with -WhatIf' {
            Disable-UpstartJob -Name web -WhatIf
            (Get-UpstartJob web).Disabled | Should -BeFalse
        }

        It 'leaves a running job running without -Stop, and shows Disabled on the object and in the table' {
            Start-UpstartJob -Name web
            Disable-UpstartJob -Name web
            $job = Get-UpstartJob web
            $job.State | Should -Be 'running'
            $job.Disabled | Should -BeTrue
            $lines = Get-UpstartJob web | Format-Table | Out-String -Stream -Width 200 | Where-Object { $_ -match '\S' }
            $lines[0] | Should -Match '^Name\s+Instance\s+Goal\s+State\s+ProcessId\s+Disabled\s+Description'
            $lines[2] | Should -Match "^web\s+start\s+running\s+$($job.ProcessId)\s+True"
        }

        It 'stops the job with -Stop and keeps it disabled' {
            Start-UpstartJob -Name web
            $job = Disable-UpstartJob -Name web -Stop -PassThru
            $job.Disabled | Should -BeTrue
            $job.State | Should -Be 'waiting'
            (Get-UpstartJob web).State | Should -Be 'waiting'
            Start-UpstartJob -Name web -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'JobFailedToStart,UpstartPS.Commands.StartUpstartJobCommand'
            (Get-UpstartJob web).State | Should -Be 'waiting'
        }

        It 'stops every instance of an instance job with -Stop' {
            Start-UpstartJob -Name tty -Environment 'TTY=tty5'
            Start-UpstartJob -Name tty -Environment 'TTY=tty6'
            Disable-UpstartJob -Name tty -Stop -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Get-UpstartJob tty | Where-Object Goal -eq 'start' | Should -BeNullOrEmpty
            (Get-UpstartJob tty | Select-Object -First 1).Disabled | Should -BeTrue
        }

        It 'stops nothing and disables nothing with -Stop -WhatIf' {
            Start-UpstartJob -Name web
            Disable-UpstartJob -Name web -Stop -WhatIf
            $job = Get-UpstartJob web
            ($job.State, $job.Disabled) | Should -Be @('running', $false)
        }
    }

    Context 'Stop-UpstartJob has no lasting effect' {
        AfterEach { Reset-Jobs }

        It 'leaves the job enabled, and its start on event starts it again' {
            Start-UpstartJob -Name sleeper
            (Wait-UpstartJob -Name chained -Timeout 10 -PassThru).State | Should -Be 'running'
            Stop-UpstartJob -Name chained
            (Get-UpstartJob chained).Disabled | Should -BeFalse
            Stop-UpstartJob -Name sleeper
            Start-UpstartJob -Name sleeper
            (Wait-UpstartJob -Name chained -Timeout 10 -PassThru).State | Should -Be 'running'
        }
    }

    Context 'What a PowerShell user reaches for' {
        AfterEach { Reset-Jobs }

        It 'names the table''s process column after a property that holds it' {
            $job = Start-UpstartJob -Name web -PassThru
            $job.ProcessId | Should -BeGreaterThan 0
            $job.ProcessId | Should -Be $job.MainPid
            (Get-UpstartJob web | Select-Object -ExpandProperty ProcessId) | Should -Be $job.MainPid
            $header = (Get-UpstartJob web | Format-Table | Out-String -Stream | Where-Object { $_ -match '\S' } | Select-Object -First 1) -split '\s+' | Where-Object { $_ }
            foreach ($column in $header) { $job.PSObject.Properties.Name | Should -Contain $column }
        }

        It 'writes every property of a job to CSV as useful text' {
            Start-UpstartJob -Name web
            Get-UpstartJob web | Export-Csv -LiteralPath (Join-Path $TestDrive 'jobs.csv') -ErrorAction Stop
            $text = Get-Content -LiteralPath (Join-Path $TestDrive 'jobs.csv') -Raw
            $text | Should -Not -Match 'System\.'
            $row = Import-Csv -LiteralPath (Join-Path $TestDrive 'jobs.csv')
            $row.Processes | Should -Match '^main:\d+$'
            $row.ProcessId | Should -Be ([string](Get-UpstartJob web).MainPid)
            $row.State | Should -Be 'running'
        }

        It 'stops the jobs listed in a CSV that Export-Csv wrote' {
            Start-UpstartJob -Name web
            $file = Join-Path $TestDrive 'running.csv'
            Get-UpstartJob -State running | Export-Csv -LiteralPath $file
            Import-Csv -LiteralPath $file | Stop-UpstartJob -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Get-UpstartJob web | Should -BeInState waiting
        }

        It 'leaves a running job running with Stop-UpstartJob -WhatIf' {
            $before = Start-UpstartJob -Name web -PassThru
            Stop-UpstartJob -Name web -WhatIf
            (Get-UpstartJob web).ProcessId | Should -Be $before.ProcessId
        }

        It 'shows processes as text in a table too' {
            Start-UpstartJob -Name web
            (Get-UpstartJob web | Format-Table Name, Processes | Out-String) | Should -Match 'web\s+main:\d+'
        }

        It 'reports progress as "<Activity>" while <Command> works on several jobs' -ForEach @(
            @{ Command = 'Start-UpstartJob'; Activity = 'Starting Upstart jobs' }
            @{ Command = 'Stop-UpstartJob'; Activity = 'Stopping Upstart jobs' }
            @{ Command = 'Restart-UpstartJob'; Activity = 'Restarting Upstart jobs' }) {
            Start-UpstartJob -Name web*
            # Progress never reaches the pipeline or a redirection: read it from a runspace's progress stream.
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddCommand('Import-Module').AddParameter('Name', (Get-UpstartTestModulePath)).AddStatement()
                $null = $shell.AddCommand($Command).AddParameter('Name', 'web*').AddParameter('Timeout', 30)
                $invocation = $shell.BeginInvoke()
                $invocation.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because "$Command must finish within 60 s"
                $null = $shell.EndInvoke($invocation)
                $shell.Streams.Error | Should -BeNullOrEmpty
                $activities = $shell.Streams.Progress.Activity | Sort-Object -Unique
                $activities | Should -Be $Activity
            }
            finally { $shell.Dispose() }
        }

        It 'writes a new progress record for each job, not one record changed in place' {
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddCommand('Import-Module').AddParameter('Name', (Get-UpstartTestModulePath)).AddStatement()
                $null = $shell.AddCommand('Start-UpstartJob').AddParameter('Name', 'web*').AddParameter('Timeout', 30)
                $null = $shell.Invoke()
                $shell.Streams.Error | Should -BeNullOrEmpty
                $running = @($shell.Streams.Progress | Where-Object RecordType -eq 'Processing')
                $running.StatusDescription | Should -Be @('web (1 of 2)', 'web-admin (2 of 2)')
                $running.PercentComplete | Should -Be @(0, 50)
                $shell.Streams.Progress[-1].RecordType | Should -Be 'Completed'
            }
            finally { $shell.Dispose() }
        }

        It 'shows progress for several jobs piped in, as the help''s example says' {
            Start-UpstartJob -Name web*
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddCommand('Import-Module').AddParameter('Name', (Get-UpstartTestModulePath)).AddStatement()
                $null = $shell.AddScript('Get-UpstartJob web* | Restart-UpstartJob -Timeout 30')
                $null = $shell.Invoke()
                $shell.Streams.Error | Should -BeNullOrEmpty
                $progress = @($shell.Streams.Progress)
                $progress.Activity | Sort-Object -Unique | Should -Be 'Restarting Upstart jobs'
                @($progress | Where-Object RecordType -eq 'Processing').StatusDescription | Should -Be @('web-admin (2 so far)')
                $progress[-1].RecordType | Should -Be 'Completed'
            }
            finally { $shell.Dispose() }
        }

        It 'refuses a job piped into Send-UpstartEvent rather than sending an event named after it' {
            Get-UpstartJob web | Send-UpstartEvent -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'JobIsNotAnEvent,UpstartPS.Commands.SendUpstartEventCommand'
            $err[0].Exception.Message | Should -Match 'Start-UpstartJob'
            Watch-UpstartEvent -IncludeHistory -Name web -Timeout 1 | Should -BeNullOrEmpty
        }

        It 'still sends events by name from the pipeline' {
            'manual-event' | Send-UpstartEvent -ErrorVariable err
            $err | Should -BeNullOrEmpty
            (Watch-UpstartEvent -IncludeHistory -Name manual-event -Timeout 1).Name | Should -Contain 'manual-event'
        }

        It 'refuses to act here on a job that came from another computer, and says where to act' {
            Start-UpstartJob -Name web
            $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-UpstartJob web)))
            # What Invoke-Command adds to every object it returns.
            $remote | Add-Member -NotePropertyName PSComputerName -NotePropertyValue 'web1'
            $remote | Stop-UpstartJob -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'JobFromAnotherComputer,UpstartPS.Commands.StopUpstartJobCommand'
            $err[0].Exception.Message | Should -Match 'web1'
            $err[0].Exception.Message | Should -Match ([regex]::Escape("Invoke-Command -HostName web1 { Stop-UpstartJob -Name 'web' }"))
            $err[0].TargetObject.Name | Should -Be 'web'
            $err[0].TargetObject.PSComputerName | Should -Be 'web1'
            Get-UpstartJob web | Should -BeInState running
        }

        It 'acts on a job from a local Start-Job, which says it came from localhost' {
            $before = Start-UpstartJob -Name web -PassThru
            $module = Get-UpstartTestModulePath
            $background = Start-Job { Import-Module $using:module; Get-UpstartJob web }
            $received = Receive-UpstartTestJob $background
            $received.PSComputerName | Should -Be 'localhost'
            $after = $received | Restart-UpstartJob -PassThru -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $after.MainPid | Should -Not -Be $before.MainPid
        }

        It 'treats <Computer> as this computer' -ForEach @(
            @{ Computer = [Environment]::MachineName }
            @{ Computer = '.' }
            @{ Computer = '127.0.0.1' }
            @{ Computer = '::1' }) {
            $before = Start-UpstartJob -Name web -PassThru
            $local = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-UpstartJob web)))
            $local | Add-Member -NotePropertyName PSComputerName -NotePropertyValue $Computer
            ($local | Restart-UpstartJob -PassThru -ErrorVariable err).MainPid | Should -Not -Be $before.MainPid
            $err | Should -BeNullOrEmpty
        }

        It 'completes -Instance with the running instances of the named job, not file names' {
            Start-UpstartJob -Name tty -Environment 'TTY=tty7'
            Start-UpstartJob -Name tty -Environment 'TTY=tty8'
            Push-Location $TestDrive
            try {
                New-Item -ItemType File -Path (Join-Path $TestDrive 'tty-file.txt') -Force | Out-Null
                $line = 'Stop-UpstartJob -Name tty -Instance '
                $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            }
            finally { Pop-Location }
            $completions | Sort-Object | Should -Be @('tty7', 'tty8')
        }
    }

    Context 'Wait-UpstartJob and Test-UpstartJob' {
        AfterEach { Reset-Jobs }

        It 'waits for a job started by another job''s event' {
            Start-UpstartJob -Name leader
            (Wait-UpstartJob -Name follower -Timeout 10 -PassThru).State | Should -Be 'running'
        }

        It 'writes WaitTimedOut when the state is not reached in time' {
            Wait-UpstartJob -Name web -State running -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'WaitTimedOut,UpstartPS.Commands.WaitUpstartJobCommand'
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        }

        It 'answers true or false, never an error' {
            Test-UpstartJob -Name web | Should -BeTrue
            Test-UpstartJob -Name web -State running | Should -BeFalse
            Test-UpstartJob -Name ghost -ErrorVariable err | Should -BeFalse
            $err | Should -BeNullOrEmpty
        }
    }
}
