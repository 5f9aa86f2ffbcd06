# show-config and reload-configuration against a real session daemon.

Describe 'Configuration cmdlets' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs web "description `"web server`"`nstart on deploy`nrespawn`nenv PORT=8080`nexec sleep 3600" -Override "manual`nenv PORT=9090" | Out-Null
        New-UpstartTestJob $jobs plain "task`nexec true" | Out-Null
        New-UpstartTestJob $jobs pool "instance `$NAME`nexec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        # A long inotify quiet period: the tests, not the watcher, decide when the directory is re-read.
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs -ReloadDebounceMilliseconds 60000
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    Context 'Get-UpstartJobConfiguration' {
        It 'shows the effective definition with the override applied' {
            $config = Get-UpstartJobConfiguration -Name web
            $config.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartJobConfiguration'
            $config.Description | Should -Be 'web server'
            $config.Respawn | Should -BeTrue
            $config.Main | Should -Match 'sleep 3600'
            $config.ConfigPath | Should -Be (Join-Path $jobs 'web.conf')
            $config.OverridePath | Should -Be (Join-Path $jobs 'web.override')
        }

        It 'says which stanzas came from the .override file' {
            $config = Get-UpstartJobConfiguration -Name web
            $config.OverriddenStanzas | Should -Not -BeNullOrEmpty
            @($config.Provenance -match '=override$') | Should -Not -BeNullOrEmpty
            @($config.Provenance -match '=conf$') | Should -Not -BeNullOrEmpty
        }

        It 'takes wildcards and pipeline input' {
            (Get-UpstartJobConfiguration -Name *).Name | Sort-Object | Should -Be @('plain', 'pool', 'web')
            (Get-UpstartJob plain | Get-UpstartJobConfiguration).IsTask | Should -BeTrue
        }

        It 'keeps what -Include matches and leaves out what -Exclude matches, named or piped' {
            (Get-UpstartJobConfiguration -Name * -Exclude 'p*').Name | Should -Be 'web'
            (Get-UpstartJob | Get-UpstartJobConfiguration -Include 'pool', 'PLAIN').Name | Sort-Object | Should -Be @('plain', 'pool')
        }

        It 'writes NoJobFoundForGivenName for a missing job' {
            Get-UpstartJobConfiguration -Name ghost -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'NoJobFoundForGivenName,UpstartPS.Commands.GetUpstartJobConfigurationCommand'
        }

        It 'writes one configuration per job, not one per instance piped in' {
            Start-UpstartJob -Name pool -Environment 'NAME=p1'
            Start-UpstartJob -Name pool -Environment 'NAME=p2'
            try {
                Get-UpstartJob pool | Should -HaveCount 2
                $configs = Get-UpstartJob pool | Get-UpstartJobConfiguration
                $configs | Should -HaveCount 1
                $configs.Name | Should -Be 'pool'
            }
            finally { Stop-UpstartJob -Name pool }
        }

        It 'formats as a table and as a list' {
            (Get-UpstartJobConfiguration web | Format-Table | Out-String) | Should -Match 'StartOn'
            (Get-UpstartJobConfiguration web | Format-List | Out-String) | Should -Match 'OverridePath'
        }
    }

    Context 'Update-UpstartConfiguration' {
        It 'shows what would change with -WhatIf and changes nothing' {
            New-UpstartTestJob $jobs added "exec sleep 3600" | Out-Null
            # "What if:" goes straight to the host, so it is read from a child pwsh's output.
            $module = Get-UpstartTestModulePath
            $output = & (Get-UpstartTestPwshPath) -NoProfile -NonInteractive -Command "Import-Module '$module'; Update-UpstartConfiguration -WhatIf" | Out-String
            $LASTEXITCODE | Should -Be 0
            $output | Should -Match 'What if: .*add added'
            Get-UpstartJob -Name added -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        It 'reloads and reports each change with -PassThru' {
            Set-Content -LiteralPath (Join-Path $jobs 'plain.conf') -Value "task`nexec /bin/true"
            $changes = Update-UpstartConfiguration -PassThru
            $changes | Where-Object Name -eq 'added' | Select-Object -ExpandProperty Change | Should -Be 'Added'
            $changes | Where-Object Name -eq 'plain' | Select-Object -ExpandProperty Change | Should -Be 'Changed'
            (Get-UpstartJob -Name added).Name | Should -Be 'added'
        }

        It 'writes a non-terminating ParserError for a file that does not parse, and keeps the others' {
            $broken = Join-Path $jobs 'broken.conf'
            Set-Content -LiteralPath $broken -Value "no-such-stanza"
            Set-Content -LiteralPath (Join-Path $jobs 'later.conf') -Value "exec sleep 3600"
            Update-UpstartConfiguration -ErrorVariable err -ErrorAction SilentlyContinue
            $? | Should -BeFalse
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'JobFileParseError,UpstartPS.Commands.UpdateUpstartConfigurationCommand'
            $err[0].CategoryInfo.Category | Should -Be 'ParserError'
            $err[0].TargetObject | Should -Be $broken
            $err[0].Exception.JobName | Should -Be 'broken'
            $err[0].Exception.Message | Should -Match ([regex]::Escape("${broken}:1:") + '\d+: unknown-stanza')
            Get-UpstartJob -Name web | Should -Not -BeNullOrEmpty
            Get-UpstartJob -Name later | Should -Not -BeNullOrEmpty
        }

        It 'writes nothing without -PassThru' {
            Update-UpstartConfiguration -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
    }
}
