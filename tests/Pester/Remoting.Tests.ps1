# The module over real PowerShell SSH remoting to this machine (about_UpstartPS: fleets): a private sshd
# with the pwsh subsystem, a session daemon, and the module imported on both ends, as a fleet user has it.

Describe 'Fleets over SSH remoting' -Tag 'CI', 'Remoting' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        . $PSScriptRoot/SshServer.ps1
        $modulePath = Get-UpstartTestModulePath
        Import-Module $modulePath -Force
        Register-UpstartShouldOperator
        $sshdPath = Get-UpstartTestSshdPath
        $skipReason = if (-not $sshdPath) { 'sshd is not installed (Debian: apt-get install openssh-server); .ci/run installs it' }
        elseif (-not (Get-Command ssh -CommandType Application -ErrorAction SilentlyContinue)) { 'the ssh client is not installed' }
        else { $null }

        $root = New-UpstartTestDirectory
        $jobs = Join-Path $root 'init'
        New-UpstartTestJob $jobs web "description `"web server`"`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs api "exec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs batch "task`nexec true" | Out-Null
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs -StateDirectory (Join-Path $root 'daemon')
        Start-UpstartJob -Name web, api

        $server = $null
        $session = $null
        if (-not $skipReason) {
            $server = Start-UpstartTestSshServer -SshdPath $sshdPath
            $session = New-UpstartTestSshSession $server
            # sshd gives a session a clean environment: the remote end names the daemon's socket itself.
            Invoke-Command -Session $session -ArgumentList $modulePath, $daemon.Socket -ScriptBlock {
                param($module, $socket)
                $env:UPSTARTPS_SOCKET = $socket
                Import-Module $module
            }
        }
    }

    AfterAll {
        if ($session) { Remove-PSSession $session }
        Stop-UpstartTestSshServer $server
        Get-UpstartJob | Where-Object Goal -eq 'start' | Stop-UpstartJob -ErrorAction SilentlyContinue
        Stop-UpstartTestDaemon $daemon
        Remove-Item -LiteralPath $root -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    BeforeEach {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason }
    }

    It 'returns jobs that keep their type name and say which computer they came from' {
        $remote = Invoke-Command -Session $session { Get-UpstartJob }
        $remote | Should -Not -BeNullOrEmpty
        $remote[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.UpstartPS.UpstartJob'
        $remote.PSComputerName | Sort-Object -Unique | Should -Be '127.0.0.1'
    }

    It 'filters, sorts and groups deserialized jobs as local ones' {
        $local = Get-UpstartJob
        $remote = Invoke-Command -Session $session { Get-UpstartJob }
        ($remote | Where-Object State -eq 'running').Name | Sort-Object | Should -Be (($local | Where-Object State -eq 'running').Name | Sort-Object)
        ($remote | Sort-Object Name -Descending).Name | Should -Be ($local | Sort-Object Name -Descending).Name
        ($remote | Group-Object State | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) |
            Should -Be ($local | Group-Object State | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" })
        ($remote | Where-Object ProcessId -gt 0).Name | Sort-Object | Should -Be @('api', 'web')
    }

    It 'formats deserialized jobs with the local views, row for row' {
        $local = Get-UpstartJob | Sort-Object Name
        # -HideComputerName: otherwise PowerShell adds its own PSComputerName column to every remote table.
        $remote = Invoke-Command -Session $session -HideComputerName { Get-UpstartJob } | Sort-Object Name
        ($remote | Format-Table | Out-String) | Should -Be ($local | Format-Table | Out-String)
        ($remote | Format-List | Out-String) | Should -Be ($local | Format-List | Out-String)
    }

    It 'formats deserialized jobs with the local table and the computer they came from' {
        $remote = Invoke-Command -Session $session { Get-UpstartJob web }
        $lines = $remote | Format-Table | Out-String -Stream -Width 250 | Where-Object { $_ -match '\S' }
        $lines[0] | Should -Match '^Name\s+Instance\s+Goal\s+State\s+ProcessId\s+.*PSComputerName'
        $lines[2] | Should -Match "^web\s+start\s+running\s+$((Get-UpstartJob web).ProcessId)\s+.*127\.0\.0\.1"
    }

    It 'restarts a job on the remote end' {
        $before = (Get-UpstartJob web).ProcessId
        $after = Invoke-Command -Session $session { Restart-UpstartJob -Name web -PassThru -Timeout 30 }
        $after.State | Should -Be 'running'
        $after.ProcessId | Should -Not -Be $before
        (Get-UpstartJob web).ProcessId | Should -Be $after.ProcessId
    }

    It 'acts locally on a job piped in from a remote end that is this computer (127.0.0.1)' {
        $before = (Get-UpstartJob api).ProcessId
        $remote = Invoke-Command -Session $session { Get-UpstartJob api }
        $after = $remote | Restart-UpstartJob -PassThru -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $after.ProcessId | Should -Not -Be $before
    }

    It 'refuses to act locally on a job piped in from another computer' {
        $remote = Invoke-Command -Session $session { Get-UpstartJob api }
        # The remote end here is this machine; a fleet host's jobs carry its name instead.
        $remote.PSComputerName = 'web1'
        $remote | Stop-UpstartJob -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'JobFromAnotherComputer,UpstartPS.Commands.StopUpstartJobCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape('Invoke-Command -HostName web1'))
        $err[0].TargetObject.Name | Should -Be 'api'
        Get-UpstartJob api | Should -BeInState running
    }
}
