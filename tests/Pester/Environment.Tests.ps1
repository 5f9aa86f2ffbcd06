# The environment cmdlets against a real session daemon: the global job environment table (initctl list-env,
# get-env, set-env, unset-env, reset-env), one instance's own environment, pipeline binding, -WhatIf, errors.

Describe 'Environment cmdlets' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        # What a job's processes saw is written to files here (a task's start returns once it has run).
        $seen = New-UpstartTestDirectory
        New-UpstartTestJob $jobs reader ("task`nexec sh -c 'printf %s `"`$GREETING`" > $seen/reader'") | Out-Null
        New-UpstartTestJob $jobs prestart ("pre-start exec sh -c 'printf %s `"`$GREETING`" > $seen/prestart'`nexec sleep 3600") | Out-Null
        New-UpstartTestJob $jobs holder ("exec sleep 3600`npost-stop exec sh -c 'printf %s `"`$TOKEN`" > $seen/holder'") | Out-Null
        New-UpstartTestJob $jobs worker "instance `$NAME`nenv COLOR=blue`nexec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
        # The session daemon's global table starts as its own environment (docs/initctl.md); Reset puts it back.
        $defaults = Get-UpstartEnvironment

        function Get-Table {
            param([string] $Job, [string] $Instance)
            $scope = if ($Job) { @{ Job = $Job; Instance = $Instance } } else { @{} }
            (Get-UpstartEnvironment @scope | ForEach-Object { "$_" }) -join "`n"
        }
    }

    AfterEach {
        Get-UpstartJob | Where-Object Goal -eq 'start' | Stop-UpstartJob -Timeout 20
        Reset-UpstartEnvironment -Confirm:$false
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        Remove-Item -LiteralPath $seen -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    Context 'The global table' {
        It 'starts from the daemon''s defaults, with PATH, one sorted object per variable' {
            $defaults.Name | Should -Contain 'PATH'
            $defaults[0].PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartEnvironmentVariable'
            $sorted = [string[]]$defaults.Name
            [Array]::Sort($sorted, [StringComparer]::Ordinal)
            $defaults.Name | Should -Be $sorted
            $defaults | ForEach-Object { $_.Job | Should -BeNullOrEmpty; $_.Instance | Should -BeNullOrEmpty }
        }

        It 'sets a variable that Get then returns, and a variable set with no value is empty' {
            Set-UpstartEnvironment HTTP_PROXY 'http://proxy:3128'
            Set-UpstartEnvironment EMPTY
            $proxy = Get-UpstartEnvironment HTTP_PROXY
            $proxy.Name | Should -Be 'HTTP_PROXY'
            $proxy.Value | Should -Be 'http://proxy:3128'
            $proxy.Job | Should -BeNullOrEmpty
            "$proxy" | Should -Be 'HTTP_PROXY=http://proxy:3128'
            (Get-UpstartEnvironment EMPTY).Value | Should -Be ''
        }

        It 'keeps an existing value with -NoClobber and sets one that is not set' {
            Set-UpstartEnvironment KEEP first
            $passed = Set-UpstartEnvironment KEEP second -NoClobber -PassThru
            $passed.Value | Should -Be 'first'
            (Get-UpstartEnvironment KEEP).Value | Should -Be 'first'
            Set-UpstartEnvironment NEWONE fresh -NoClobber
            (Get-UpstartEnvironment NEWONE).Value | Should -Be 'fresh'
            Set-UpstartEnvironment KEEP third
            (Get-UpstartEnvironment KEEP).Value | Should -Be 'third'
        }

        It 'sets several variables from a hashtable' {
            Set-UpstartEnvironment -Variable @{ LOG_LEVEL = 'debug'; WORKERS = 4 }
            (Get-UpstartEnvironment LOG_LEVEL, WORKERS).Value | Should -Be @('debug', '4')
        }

        It 'sets the rows of a CSV file piped in by property name' {
            $csv = Join-Path $TestDrive 'vars.csv'
            @([pscustomobject]@{ Name = 'CSV_A'; Value = 'one' }, [pscustomobject]@{ Name = 'CSV_B'; Value = 'two words' }) | Export-Csv $csv
            Import-Csv $csv | Set-UpstartEnvironment
            (Get-UpstartEnvironment CSV_*).ForEach({ "$_" }) | Should -Be @('CSV_A=one', 'CSV_B=two words')
        }

        It 'removes a variable, and removing one that is not set is no error' {
            Set-UpstartEnvironment GONE soon
            Remove-UpstartEnvironment GONE, NEVER_SET -ErrorVariable err
            $err | Should -BeNullOrEmpty
            Get-UpstartEnvironment GONE -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'writes what was removed with -PassThru' {
            Set-UpstartEnvironment GONE soon
            $removed = Remove-UpstartEnvironment GONE, NEVER_SET -PassThru
            $removed | Should -HaveCount 1
            "$removed" | Should -Be 'GONE=soon'
        }

        It 'resets the table to the defaults, PATH and TERM included, with -Confirm:$false' {
            Set-UpstartEnvironment PATH /nowhere
            Set-UpstartEnvironment TERM dumb
            Set-UpstartEnvironment EXTRA 1
            Remove-UpstartEnvironment HOME
            Get-Table | Should -Not -Be (($defaults | ForEach-Object { "$_" }) -join "`n")
            $after = Reset-UpstartEnvironment -Confirm:$false -PassThru
            ($after | ForEach-Object { "$_" }) -join "`n" | Should -Be (($defaults | ForEach-Object { "$_" }) -join "`n")
            Get-Table | Should -Be (($defaults | ForEach-Object { "$_" }) -join "`n")
            (Get-UpstartEnvironment PATH).Value | Should -Be ($defaults | Where-Object Name -eq PATH).Value
            (Get-UpstartEnvironment TERM -ErrorAction SilentlyContinue).Value | Should -Be ($defaults | Where-Object Name -eq TERM).Value
        }

        It 'changes nothing with -WhatIf' {
            Set-UpstartEnvironment STAYS put
            $before = Get-Table
            Set-UpstartEnvironment STAYS changed -WhatIf
            Set-UpstartEnvironment ADDED x -WhatIf
            Remove-UpstartEnvironment STAYS -WhatIf
            Get-UpstartEnvironment STAYS | Remove-UpstartEnvironment -WhatIf
            Reset-UpstartEnvironment -WhatIf
            Get-Table | Should -Be $before
        }
    }

    Context 'Selection and errors' {
        BeforeEach {
            # Names no test environment has, so the daemon's defaults (the test process's environment) do not interfere.
            Set-UpstartEnvironment -Variable @{ PESTER_HTTP = 'p'; PESTER_HTTPS = 's'; pester_port = '80'; PESTER_OTHER = 'o' }
        }

        It 'selects by wildcard, ignoring case, sorted by name' {
            (Get-UpstartEnvironment pester_H*, Pester_P*).Name | Should -Be @('PESTER_HTTP', 'PESTER_HTTPS', 'pester_port')
        }

        It 'is silent when a wildcard matches nothing' {
            Get-UpstartEnvironment 'NOTHING*' -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -BeNullOrEmpty
        }

        It 'writes NoVariableFoundForGivenName for a literal name that is not set and still returns the others' {
            $result = Get-UpstartEnvironment NO_SUCH, PESTER_OTHER -ErrorVariable err -ErrorAction SilentlyContinue
            "$result" | Should -Be 'PESTER_OTHER=o'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NoVariableFoundForGivenName,UpstartPS.Commands.GetUpstartEnvironmentCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'NO_SUCH'
            $err[0].Exception.Message | Should -Be "Cannot find an environment variable with name 'NO_SUCH' in the global job environment."
        }

        It 'refuses a name with = before asking the daemon and sets nothing' {
            $before = Get-Table
            Set-UpstartEnvironment 'A=B' c -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidEnvironment,UpstartPS.Commands.SetUpstartEnvironmentCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-Table | Should -Be $before
        }

        It 'removes what Get-UpstartEnvironment selected, through the pipeline' {
            Get-UpstartEnvironment PESTER_HTTP* | Remove-UpstartEnvironment
            (Get-UpstartEnvironment PESTER*).Name | Should -Be @('PESTER_OTHER', 'pester_port')
        }

        It 'writes NoJobFoundForGivenName for an unknown -Job' {
            Get-UpstartEnvironment -Job ghost -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'NoJobFoundForGivenName,UpstartPS.Commands.GetUpstartEnvironmentCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'ghost'
            Set-UpstartEnvironment X 1 -Job ghost -ErrorVariable setErr -ErrorAction SilentlyContinue
            $setErr | Should -HaveCount 1
            $setErr[0].FullyQualifiedErrorId | Should -Be 'NoJobFoundForGivenName,UpstartPS.Commands.SetUpstartEnvironmentCommand'
        }

        It 'writes NoInstanceFoundForGivenName for an instance that is not running' {
            Get-UpstartEnvironment -Job worker -Instance nosuch -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'NoInstanceFoundForGivenName,UpstartPS.Commands.GetUpstartEnvironmentCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'refuses -Instance without -Job rather than widening it to the global table' {
            Get-UpstartEnvironment -Instance alpha -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'InvalidEnvironmentScope,UpstartPS.Commands.GetUpstartEnvironmentCommand'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        }

        It 'completes variable names from the daemon''s table' {
            $line = 'Get-UpstartEnvironment PESTER_HTTPS'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'PESTER_HTTPS'
        }
    }

    Context 'Job instances' {
        It 'starts a job''s processes from the global table as it was at the start' {
            Set-UpstartEnvironment GREETING hello
            Start-UpstartJob reader
            Get-Content -LiteralPath "$seen/reader" -Raw | Should -Be 'hello'
            Start-UpstartJob prestart
            Get-Content -LiteralPath "$seen/prestart" -Raw | Should -Be 'hello'
        }

        It 'lists an instance''s own environment with -Job and -Instance' {
            Set-UpstartEnvironment SHARED g
            Start-UpstartJob worker -Environment NAME=alpha
            $own = Get-UpstartEnvironment -Job worker -Instance alpha
            ($own | Where-Object Name -eq NAME).Value | Should -Be 'alpha'
            ($own | Where-Object Name -eq COLOR).Value | Should -Be 'blue'
            ($own | Where-Object Name -eq SHARED).Value | Should -Be 'g'
            $own | ForEach-Object { $_.Job | Should -Be 'worker'; $_.Instance | Should -Be 'alpha' }
            # The global table has none of the instance's own variables.
            Get-UpstartEnvironment NAME, COLOR -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            ($own | Out-String) | Should -Match 'Environment: worker \(instance: alpha\)'
        }

        It 'gives a job without an instance stanza the instance named empty, and its later processes what was set there' {
            Start-UpstartJob holder
            Set-UpstartEnvironment TOKEN secret -Job holder
            $token = Get-UpstartEnvironment TOKEN -Job holder
            $token.Value | Should -Be 'secret'
            $token.Instance | Should -Be ''
            Get-UpstartEnvironment TOKEN -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Stop-UpstartJob holder
            Get-Content -LiteralPath "$seen/holder" -Raw | Should -Be 'secret'
        }

        It 'removes a piped variable from the table it came from' {
            Set-UpstartEnvironment SCOPED global
            Start-UpstartJob worker -Environment NAME=beta
            Set-UpstartEnvironment SCOPED mine -Job worker -Instance beta
            Get-UpstartEnvironment SCOPED -Job worker -Instance beta | Remove-UpstartEnvironment
            Get-UpstartEnvironment SCOPED -Job worker -Instance beta -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-UpstartEnvironment SCOPED).Value | Should -Be 'global'
        }

        It 'resets an instance to its job''s environment, without what its start added' {
            Start-UpstartJob worker -Environment NAME=gamma
            Set-UpstartEnvironment EXTRA 1 -Job worker -Instance gamma
            Reset-UpstartEnvironment -Job worker -Instance gamma -Confirm:$false
            $own = Get-UpstartEnvironment -Job worker -Instance gamma
            $own.Name | Should -Not -Contain 'EXTRA'
            $own.Name | Should -Not -Contain 'NAME'
            ($own | Where-Object Name -eq COLOR).Value | Should -Be 'blue'
        }

        It 'lists the own environment of each job instance piped in, not a variable named after the job' {
            Start-UpstartJob worker -Environment NAME=epsilon
            Start-UpstartJob worker -Environment NAME=zeta
            $names = Get-UpstartJob worker | Get-UpstartEnvironment NAME -ErrorAction Stop
            $names.Value | Sort-Object | Should -Be @('epsilon', 'zeta')
            $names.Instance | Sort-Object | Should -Be @('epsilon', 'zeta')
            (Get-UpstartJob worker | Get-UpstartEnvironment | Where-Object Name -eq COLOR).Value | Should -Be @('blue', 'blue')
        }

        It 'completes -Instance with the running instances of -Job' {
            Start-UpstartJob worker -Environment NAME=delta
            $line = 'Get-UpstartEnvironment -Job worker -Instance de'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'delta'
        }
    }
}
