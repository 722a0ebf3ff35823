using Engine.Book;
using Engine.Commands;
using Engine.Risk;
using Engine.State;

namespace Engine.Logic;

// Admin commands and prices. These run at setup or at low rates; growth of tables happens only here.
public sealed partial class ExchangeLogic
{
    /// <summary>Highest fee rate accepted (10%), in parts per million; keeps fee products in 64 bits.</summary>
    internal const int MaxFeePpm = 100_000;

    private void AddInstrument(ref Command cmd)
    {
        var id = cmd.InstrumentId;
        if ((uint)id >= (uint)_instruments.Capacity)
        {
            Reject(ref cmd, RejectCode.IdOutOfRange);
            return;
        }
        if (_instruments.Exists[id])
        {
            Reject(ref cmd, RejectCode.InstrumentExists);
            return;
        }
        var ladderLog2 = cmd.LadderLog2 == 0 ? _config.DefaultLadderLog2 : cmd.LadderLog2;
        var tickLot = (Int128)cmd.TickSize * cmd.LotSize;
        var valid = cmd.TickSize > 0 && cmd.LotSize > 0 && cmd.TickSize <= MaxPrice
            && tickLot % FixedPoint.NotionalDivisor == 0
            && tickLot / FixedPoint.NotionalDivisor <= MaxOrderNotional // one lot moving one tick fits an order
            && cmd.MaxOrderQuantity >= cmd.LotSize
            && cmd.MakerFeePpm >= -MaxFeePpm && cmd.MakerFeePpm <= MaxFeePpm
            && cmd.TakerFeePpm >= 0 && cmd.TakerFeePpm <= MaxFeePpm
            && cmd.TakerFeePpm + cmd.MakerFeePpm >= 0 // the venue never pays out more than it charges on a trade
            && cmd.BandBps >= 1 && cmd.BandBps <= 10_000
            && cmd.MaxLeverage >= 1 && cmd.MaxLeverage <= 1000
            && ladderLog2 >= 6 && ladderLog2 <= 24;
        if (!valid)
        {
            Reject(ref cmd, RejectCode.InvalidInstrumentSpec);
            return;
        }
        var t = _instruments;
        t.Exists[id] = true;
        t.TickSize[id] = cmd.TickSize;
        t.LotSize[id] = cmd.LotSize;
        t.LotTickValue[id] = (long)(tickLot / FixedPoint.NotionalDivisor);
        t.MaxOrderLots[id] = cmd.MaxOrderQuantity / cmd.LotSize;
        t.MakerFeePpm[id] = cmd.MakerFeePpm;
        t.TakerFeePpm[id] = cmd.TakerFeePpm;
        t.BandBps[id] = cmd.BandBps;
        t.MaxLeverage[id] = cmd.MaxLeverage;
        t.Books[id] = new OrderBook(id, ladderLog2, _orders, _levels);
        t.Active[id] = new int[Math.Max(16, _config.InitialPositions)]; // pre-sized: positions opening in steady state do not allocate
        Accept(ref cmd);
    }

    private void AddInstrumentTier(ref Command cmd)
    {
        var id = cmd.InstrumentId;
        if (!_instruments.IsValid(id))
        {
            Reject(ref cmd, RejectCode.UnknownInstrument);
            return;
        }
        var t = _instruments;
        var tier = t.TierCount[id];
        var at = id * InstrumentTable.MaxTiers + tier;
        var valid = cmd.TierIndex == tier && tier < InstrumentTable.MaxTiers
            && cmd.NotionalCap > 0 && cmd.MmrPpm > 0 && cmd.MmrPpm < FixedPoint.RateScale
            && cmd.MaxLeverage >= 1 && cmd.MaxLeverage <= t.MaxLeverage[id]
            && (long)cmd.MmrPpm * cmd.MaxLeverage < FixedPoint.RateScale; // maintenance below initial margin
        if (valid && tier > 0)
        {
            valid = cmd.NotionalCap > t.TierCap[at - 1]
                && cmd.MmrPpm >= t.TierMmrPpm[at - 1]
                && cmd.MaxLeverage <= t.TierMaxLeverage[at - 1];
        }
        if (!valid)
        {
            Reject(ref cmd, RejectCode.InvalidTier);
            return;
        }
        // Maintenance amount that keeps MM = N·mmr − cum continuous at the lower edge of this tier:
        // cum[i] = cum[i-1] + cap[i-1]·(mmr[i] − mmr[i-1]) (Binance's brackets use the same rule).
        long cum = 0;
        if (tier > 0)
        {
            cum = t.TierCum[at - 1]
                + (long)((Int128)t.TierCap[at - 1] * (cmd.MmrPpm - t.TierMmrPpm[at - 1]) / FixedPoint.RateScale);
        }
        t.TierCap[at] = cmd.NotionalCap;
        t.TierMmrPpm[at] = cmd.MmrPpm;
        t.TierCum[at] = cum;
        t.TierMaxLeverage[at] = cmd.MaxLeverage;
        t.TierCount[id] = tier + 1;
        Accept(ref cmd);
    }

    private void AddAsset(ref Command cmd)
    {
        var id = cmd.AssetId;
        if ((uint)id >= (uint)_assets.Capacity)
        {
            Reject(ref cmd, RejectCode.IdOutOfRange);
            return;
        }
        if (_assets.Exists[id])
        {
            Reject(ref cmd, RejectCode.AssetExists);
            return;
        }
        if (cmd.HaircutPpm < 0 || cmd.HaircutPpm >= FixedPoint.RateScale || cmd.Price <= 0 || cmd.Price > MaxPrice)
        {
            Reject(ref cmd, RejectCode.InvalidAssetSpec);
            return;
        }
        _assets.Exists[id] = true;
        _assets.HaircutPpm[id] = cmd.HaircutPpm;
        _assets.Price[id] = cmd.Price;
        Accept(ref cmd);
    }

    private void CreateAccount(ref Command cmd)
    {
        var id = cmd.AccountId;
        if (id < 0 || id >= _accounts.MaxAccounts)
        {
            Reject(ref cmd, RejectCode.IdOutOfRange);
            return;
        }
        if (_accounts.IsValid(id))
        {
            Reject(ref cmd, RejectCode.AccountExists);
            return;
        }
        _accounts.EnsureCapacity(id);
        EnsureTouchCapacity(_accounts.Capacity);
        _accounts.Exists[id] = true;
        Accept(ref cmd);
    }

    private void Deposit(ref Command cmd)
    {
        if (!ValidateBalanceCommand(ref cmd)) return;
        ref var balance = ref _accounts.Balance[cmd.AccountId * _accounts.AssetCapacity + cmd.AssetId];
        if (balance > MaxAmount - cmd.Amount)
        {
            Reject(ref cmd, RejectCode.InvalidAmount);
            return;
        }
        if (balance == 0 && cmd.AssetId != 0) _assets.AddHolder(cmd.AssetId, cmd.AccountId);
        balance += cmd.Amount;
        if (cmd.AssetId == 0) _netUsdDeposits += cmd.Amount;
        RecomputeCollateral(cmd.AccountId);
        ref var e = ref Accept(ref cmd);
        e.Collateral = balance;
    }

    private void Withdraw(ref Command cmd)
    {
        if (!ValidateBalanceCommand(ref cmd)) return;
        var account = cmd.AccountId;
        ref var balance = ref _accounts.Balance[account * _accounts.AssetCapacity + cmd.AssetId];
        if (balance < cmd.Amount)
        {
            Reject(ref cmd, RejectCode.InsufficientBalance);
            return;
        }
        // what the account may take out is what new orders could use: cross equity less margins and reservations
        if (account != InsuranceAccount && CollateralValue(cmd.AssetId, cmd.Amount) > FreeMargin(account))
        {
            Reject(ref cmd, RejectCode.InsufficientMargin);
            return;
        }
        balance -= cmd.Amount;
        if (balance == 0 && cmd.AssetId != 0) _assets.RemoveHolder(cmd.AssetId, account);
        if (cmd.AssetId == 0) _netUsdDeposits -= cmd.Amount;
        RecomputeCollateral(account);
        ref var e = ref Accept(ref cmd);
        e.Collateral = balance;
        Touch(account);
        SettleRisk();
    }

    private bool ValidateBalanceCommand(ref Command cmd)
    {
        var code = !_accounts.IsValid(cmd.AccountId) ? RejectCode.UnknownAccount
            : !_assets.IsValid(cmd.AssetId) ? RejectCode.UnknownAsset
            : cmd.Amount <= 0 ? RejectCode.InvalidAmount
            : RejectCode.None;
        if (code == RejectCode.None) return true;
        Reject(ref cmd, code);
        return false;
    }

    private void SetLeverage(ref Command cmd)
    {
        var position = ValidateFlatSetting(ref cmd);
        if (position == 0) return;
        var max = _instruments.MaxLeverage[cmd.InstrumentId];
        if (cmd.Leverage < 1 || cmd.Leverage > max)
        {
            Reject(ref cmd, RejectCode.LeverageOutOfRange);
            return;
        }
        _positions.Leverage[position] = cmd.Leverage;
        Accept(ref cmd);
    }

    private void SetMarginMode(ref Command cmd)
    {
        if (cmd.MarginMode != MarginMode.Cross && cmd.MarginMode != MarginMode.Isolated)
        {
            Reject(ref cmd, RejectCode.InvalidField);
            return;
        }
        var position = ValidateFlatSetting(ref cmd);
        if (position == 0) return;
        _positions.Mode[position] = (byte)cmd.MarginMode;
        Accept(ref cmd);
    }

    /// <summary>The position row for a leverage or mode change, or 0 after rejecting when not allowed.</summary>
    private int ValidateFlatSetting(ref Command cmd)
    {
        if (!_accounts.IsValid(cmd.AccountId))
        {
            Reject(ref cmd, RejectCode.UnknownAccount);
            return 0;
        }
        if (!_instruments.IsValid(cmd.InstrumentId))
        {
            Reject(ref cmd, RejectCode.UnknownInstrument);
            return 0;
        }
        var position = _positions.GetOrCreate(cmd.AccountId, cmd.InstrumentId, DefaultLeverage(cmd.InstrumentId), _accounts.PositionHead);
        if (_positions.Lots[position] != 0 || _positions.OpenOrders[position] != 0)
        {
            Reject(ref cmd, RejectCode.PositionOrOrdersOpen);
            return 0;
        }
        return position;
    }

    private void AdjustIsolatedMargin(ref Command cmd)
    {
        var account = cmd.AccountId;
        var code = !_accounts.IsValid(account) ? RejectCode.UnknownAccount
            : !_instruments.IsValid(cmd.InstrumentId) ? RejectCode.UnknownInstrument
            : cmd.Amount == 0 || cmd.Amount == long.MinValue ? RejectCode.InvalidAmount // long.MinValue has no negation
            : RejectCode.None;
        var position = code == RejectCode.None ? _positions.Find(account, cmd.InstrumentId) : 0;
        if (code == RejectCode.None && (position == 0 || _positions.Lots[position] == 0
            || _positions.Mode[position] != (byte)MarginMode.Isolated)) code = RejectCode.NoIsolatedPosition;
        if (code == RejectCode.None && cmd.Amount > 0 && cmd.Amount > FreeMargin(account)) code = RejectCode.InsufficientMargin;
        if (code == RejectCode.None && cmd.Amount < 0)
        {
            // unrealized profit never leaves an isolated position, and what stays must cover initial margin
            var miso = _positions.IsoMargin[position];
            var removable = Math.Min(miso, miso + _positions.Upnl[position] - _positions.Im[position]);
            if (-cmd.Amount > removable) code = RejectCode.IsolatedMarginRemovalTooLarge;
        }
        if (code != RejectCode.None)
        {
            Reject(ref cmd, code);
            return;
        }
        _positions.IsoMargin[position] += cmd.Amount;
        CreditUsd(account, -cmd.Amount);
        RefreshLiquidationPrice(position);
        ref var e = ref Accept(ref cmd);
        e.Available = _positions.IsoMargin[position];
        e.Price = _positions.LiqPrice[position];
    }

    private void MarkPrice(ref Command cmd)
    {
        var instrument = cmd.InstrumentId;
        if (!_instruments.IsValid(instrument))
        {
            Reject(ref cmd, RejectCode.UnknownInstrument);
            return;
        }
        if (cmd.Price <= 0)
        {
            Reject(ref cmd, RejectCode.PriceNotPositive);
            return;
        }
        if (cmd.Price > MaxPrice)
        {
            Reject(ref cmd, RejectCode.PriceTooLarge);
            return;
        }
        SetMark(instrument, cmd.Price); // positions are valued on the tick grid
        Accept(ref cmd);
        RemarginInstrument(instrument);
        SettleRisk();
    }

    private void AssetPrice(ref Command cmd)
    {
        var asset = cmd.AssetId;
        if (!_assets.IsValid(asset))
        {
            Reject(ref cmd, RejectCode.UnknownAsset);
            return;
        }
        if (cmd.Price <= 0 || asset == 0 || cmd.Price > MaxPrice)
        {
            Reject(ref cmd, asset == 0 ? RejectCode.InvalidAssetSpec : cmd.Price > MaxPrice ? RejectCode.PriceTooLarge : RejectCode.PriceNotPositive);
            return;
        }
        _assets.Price[asset] = cmd.Price;
        Accept(ref cmd);
        // re-value only the accounts that hold the asset (a stablecoin depeg touches just its holders)
        var holders = _assets.Holders[asset];
        for (var i = 0; i < _assets.HolderCount[asset]; i++)
        {
            var account = holders![i];
            RecomputeCollateral(account);
            if (IsCrossUnhealthy(account)) Touch(account);
        }
        SettleRisk();
    }
}
